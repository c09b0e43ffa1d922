using System.Net;

namespace KvReplicator.IntegrationTests.Emulators;

public sealed class EmulatorStartupTests
{
    [Fact]
    public async Task Moto_answers_on_loopback()
    {
        var moto = await SharedEmulators.MotoAsync();
        using var http = new HttpClient();
        using HttpResponseMessage response = await http.GetAsync(new Uri(moto.Endpoint, "/moto-api/"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Azurite_answers_on_loopback()
    {
        var azurite = await SharedEmulators.AzuriteAsync();
        var service = new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString);
        var container = service.GetBlobContainerClient(SharedEmulators.UniqueName("startup"));
        await container.CreateAsync();
        Assert.True(await container.ExistsAsync());
    }
}
