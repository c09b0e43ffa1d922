using Azure.Core;

namespace KvReplicator.IntegrationTests.KeyVault;

internal sealed record RecordedExchange(RequestMethod Method, Uri Uri, string? Authorization, bool HadContent, int Status);
