using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;

namespace KvReplicator.IntegrationTests.SecretsManager;

public sealed class SecretsManagerClientMotoTests
{
    [Fact]
    public async Task Creates_puts_gets_lists_and_describes()
    {
        (SecretsManagerClient client, _) = await MotoSecretsManager.CreateClientAsync();
        string name = SharedEmulators.UniqueName("client-rt");
        string first = MotoSecretsManager.NewVersionId();
        string second = MotoSecretsManager.NewVersionId();

        await client.CreateSecretAsync(new CreateSecretRequest
        {
            Name = name,
            ClientRequestToken = first,
            SecretString = new SecretValue("one"),
            Description = "round trip",
            Tags = [new Tag { Key = "managed-by", Value = "kvreplicator" }],
        });
        PutSecretValueResponse put = await client.PutSecretValueAsync(new PutSecretValueRequest { SecretId = name, ClientRequestToken = second, SecretString = new SecretValue("two") });

        Assert.Equal(second, put.VersionId);
        GetSecretValueResponse current = await client.GetSecretValueAsync(new GetSecretValueRequest { SecretId = name });
        Assert.Equal("two", current.SecretString!.Reveal());
        Assert.Equal(second, current.VersionId);
        GetSecretValueResponse older = await client.GetSecretValueAsync(new GetSecretValueRequest { SecretId = name, VersionId = first });
        Assert.Equal("one", older.SecretString!.Reveal());

        DescribeSecretResponse described = await client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name });
        Assert.Equal(name, described.Name);
        Assert.Null(described.DeletedDate);
        Assert.Contains(described.Tags!, tag => tag.Key == "managed-by" && tag.Value == "kvreplicator");
        Assert.Contains("AWSCURRENT", described.VersionIdsToStages![second]);
        Assert.Contains("AWSPREVIOUS", described.VersionIdsToStages[first]);

        ListSecretsResponse listed = await client.ListSecretsAsync(new ListSecretsRequest { Filters = [new Filter { Key = Filter.NameKey, Values = [name] }] });
        Assert.Equal([name], listed.SecretList.Select(secret => secret.Name));
    }

    [Fact]
    public async Task Lists_all_version_ids()
    {
        (SecretsManagerClient client, _) = await MotoSecretsManager.CreateClientAsync();
        string name = SharedEmulators.UniqueName("client-versions");
        string[] versions = [.. Enumerable.Range(0, 3).Select(_ => MotoSecretsManager.NewVersionId())];
        await client.CreateSecretAsync(new CreateSecretRequest { Name = name });
        foreach (string version in versions)
        {
            await client.PutSecretValueAsync(new PutSecretValueRequest { SecretId = name, ClientRequestToken = version, SecretString = new SecretValue(version) });
        }

        ListSecretVersionIdsResponse listed = await client.ListSecretVersionIdsAsync(new ListSecretVersionIdsRequest { SecretId = name, IncludeDeprecated = true });

        Assert.Equal(versions.Order(), listed.Versions.Select(version => version.VersionId!).Order());
        Assert.True(string.IsNullOrEmpty(listed.NextToken));
    }

    [Fact]
    public async Task Pages_through_secrets()
    {
        (SecretsManagerClient client, _) = await MotoSecretsManager.CreateClientAsync();
        string prefix = SharedEmulators.UniqueName("client-pages");
        string[] names = [.. Enumerable.Range(0, 3).Select(index => $"{prefix}-{index}")];
        foreach (string name in names)
        {
            await client.CreateSecretAsync(new CreateSecretRequest { Name = name, ClientRequestToken = MotoSecretsManager.NewVersionId(), SecretString = new SecretValue("v") });
        }

        var seen = new List<string>();
        string? nextToken = null;
        int pages = 0;
        do
        {
            ListSecretsResponse page = await client.ListSecretsAsync(
                new ListSecretsRequest { Filters = [new Filter { Key = Filter.NameKey, Values = [prefix] }], MaxResults = 2, NextToken = nextToken });
            seen.AddRange(page.SecretList.Select(secret => secret.Name!));
            nextToken = page.NextToken;
            pages++;
        }
        while (!string.IsNullOrEmpty(nextToken) && pages < 10);

        Assert.Equal(2, pages);
        Assert.Equal(names, seen.Order());
    }

    [Fact]
    public async Task Lists_by_tag_and_updates_metadata()
    {
        (SecretsManagerClient client, _) = await MotoSecretsManager.CreateClientAsync();
        string name = SharedEmulators.UniqueName("client-tags");
        string tagValue = SharedEmulators.UniqueName("tv");
        await client.CreateSecretAsync(new CreateSecretRequest { Name = name, SecretString = new SecretValue("v"), ClientRequestToken = MotoSecretsManager.NewVersionId() });
        await client.TagResourceAsync(new TagResourceRequest { SecretId = name, Tags = [new Tag { Key = "kvreplicator:source-vault", Value = tagValue }] });
        await client.UpdateSecretAsync(new UpdateSecretRequest { SecretId = name, Description = "updated" });

        ListSecretsResponse listed = await client.ListSecretsAsync(new ListSecretsRequest { Filters = [new Filter { Key = Filter.TagValueKey, Values = [tagValue] }] });

        Assert.Equal([name], listed.SecretList.Select(secret => secret.Name));
        Assert.Equal("updated", (await client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name })).Description);
    }

    [Fact]
    public async Task Deletes_and_restores()
    {
        (SecretsManagerClient client, _) = await MotoSecretsManager.CreateClientAsync();
        string name = SharedEmulators.UniqueName("client-del");
        await client.CreateSecretAsync(new CreateSecretRequest { Name = name, SecretString = new SecretValue("v"), ClientRequestToken = MotoSecretsManager.NewVersionId() });

        DeleteSecretResponse deleted = await client.DeleteSecretAsync(new DeleteSecretRequest { SecretId = name, RecoveryWindowInDays = 7 });
        Assert.NotNull(deleted.DeletionDate);
        Assert.NotNull((await client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name })).DeletedDate);

        await client.RestoreSecretAsync(new RestoreSecretRequest { SecretId = name });
        Assert.Null((await client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name })).DeletedDate);

        await client.DeleteSecretAsync(new DeleteSecretRequest { SecretId = name, ForceDeleteWithoutRecovery = true });
        var missing = await Assert.ThrowsAsync<SecretsManagerException>(() => client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name }));
        Assert.Equal("ResourceNotFoundException", missing.ErrorType);
        Assert.False(missing.IsTransient);
    }

    [Fact]
    public async Task Types_moto_errors()
    {
        (SecretsManagerClient client, _) = await MotoSecretsManager.CreateClientAsync();
        string name = SharedEmulators.UniqueName("client-err");
        string version = MotoSecretsManager.NewVersionId();
        await client.CreateSecretAsync(new CreateSecretRequest { Name = name, SecretString = new SecretValue("v"), ClientRequestToken = version });

        var exists = await Assert.ThrowsAsync<SecretsManagerException>(() => client.CreateSecretAsync(new CreateSecretRequest { Name = name, SecretString = new SecretValue("w") }));
        var reused = await Assert.ThrowsAsync<SecretsManagerException>(() =>
            client.PutSecretValueAsync(new PutSecretValueRequest { SecretId = name, ClientRequestToken = version, SecretString = new SecretValue("different") }));

        Assert.Equal("ResourceExistsException", exists.ErrorType);
        Assert.Equal("ResourceExistsException", reused.ErrorType);
        Assert.False(reused.IsTransient);
        Assert.DoesNotContain("different", reused.Message, StringComparison.Ordinal);
    }
}
