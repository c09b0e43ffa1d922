using System.Text;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;

namespace KvReplicator.IntegrationTests.SecretsManager;

public sealed class SecretsManagerTargetMotoTests
{
    public static TheoryData<string, string> Values => new()
    {
        { "one-byte", "x" },
        { "25-kb", new string('k', 25 * 1024) },
        { "unicode", "pässwörd ✓ 密码 🔑" },
        { "json", """{"user":"app","password":"p\"w\\d","nested":{"n":1}}""" },
        { "whitespace", "  \t padded value \r\n " },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Values_survive_byte_for_byte(string label, string value)
    {
        (SecretsManagerClient client, SecretsManagerTarget target) = await MotoSecretsManager.CreateTargetAsync();
        string name = SharedEmulators.UniqueName($"val-{label}");
        string version = MotoSecretsManager.NewVersionId();

        TargetWriteResult result = await target.WriteAsync(MotoSecretsManager.Write(name, version, value));

        Assert.True(result.CreatedSecret);
        GetSecretValueResponse read = await client.GetSecretValueAsync(new GetSecretValueRequest { SecretId = name, VersionId = version });
        Assert.Equal(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(read.SecretString!.Reveal()));
        Assert.Contains("AWSCURRENT", read.VersionStages!);
    }

    [Fact]
    public async Task Every_version_lands_once_and_the_last_is_current()
    {
        (SecretsManagerClient client, SecretsManagerTarget target) = await MotoSecretsManager.CreateTargetAsync();
        string name = SharedEmulators.UniqueName("versions");
        string[] versions = [.. Enumerable.Range(0, 5).Select(_ => MotoSecretsManager.NewVersionId())];

        for (int index = 0; index < versions.Length; index++)
        {
            await target.WriteAsync(MotoSecretsManager.Write(name, versions[index], $"value-{index}"));
        }

        // Replays (Event Grid redelivery) leave the version count alone.
        await target.WriteAsync(MotoSecretsManager.Write(name, versions[^1], $"value-{versions.Length - 1}"));
        await target.WriteAsync(MotoSecretsManager.Write(name, versions[2], "value-2", stage: TargetVersionStage.Superseded));

        ListSecretVersionIdsResponse listed = await client.ListSecretVersionIdsAsync(new ListSecretVersionIdsRequest { SecretId = name, IncludeDeprecated = true });
        Assert.Equal(versions.Order(), listed.Versions.Select(version => version.VersionId!).Order());
        GetSecretValueResponse current = await client.GetSecretValueAsync(new GetSecretValueRequest { SecretId = name });
        Assert.Equal(versions[^1], current.VersionId);
        Assert.Equal($"value-{versions.Length - 1}", current.SecretString!.Reveal());
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_version_leave_one_version()
    {
        // Separate targets, as separate function instances would be: no shared ownership cache.
        string name = SharedEmulators.UniqueName("concurrent");
        string version = MotoSecretsManager.NewVersionId();
        var targets = new List<SecretsManagerTarget>();
        SecretsManagerClient? client = null;
        for (int index = 0; index < 4; index++)
        {
            (client, SecretsManagerTarget target) = await MotoSecretsManager.CreateTargetAsync();
            targets.Add(target);
        }

        TargetWriteResult[] results = await Task.WhenAll(targets.Select(target => target.WriteAsync(MotoSecretsManager.Write(name, version, "same value"))));

        Assert.InRange(results.Count(result => result.CreatedSecret), 1, 4);
        ListSecretVersionIdsResponse listed = await client!.ListSecretVersionIdsAsync(new ListSecretVersionIdsRequest { SecretId = name, IncludeDeprecated = true });
        Assert.Equal([version], listed.Versions.Select(entry => entry.VersionId!));
    }

    [Fact]
    public async Task An_overtaken_version_is_stored_without_becoming_current()
    {
        (SecretsManagerClient client, SecretsManagerTarget target) = await MotoSecretsManager.CreateTargetAsync();
        string name = SharedEmulators.UniqueName("overtaken");
        string newer = MotoSecretsManager.NewVersionId();
        string older = MotoSecretsManager.NewVersionId();

        await target.WriteAsync(MotoSecretsManager.Write(name, newer, "newer"));
        await target.WriteAsync(MotoSecretsManager.Write(name, older, "older", stage: TargetVersionStage.Superseded));

        GetSecretValueResponse current = await client.GetSecretValueAsync(new GetSecretValueRequest { SecretId = name });
        Assert.Equal(newer, current.VersionId);
        GetSecretValueResponse stored = await client.GetSecretValueAsync(new GetSecretValueRequest { SecretId = name, VersionId = older });
        Assert.Equal("older", stored.SecretString!.Reveal());
        Assert.Equal(["kvrep-superseded"], stored.VersionStages!);
    }

    [Fact]
    public async Task An_overtaken_first_version_is_not_written_until_a_current_one_exists()
    {
        // Secrets Manager attaches AWSCURRENT to a secret's first version whatever VersionStages says (AWS
        // documents it for PutSecretValue; moto does the same), so the target refuses to make an overtaken
        // version the first one and the pipeline writes the newer version before it.
        (SecretsManagerClient client, SecretsManagerTarget target) = await MotoSecretsManager.CreateTargetAsync();
        string name = SharedEmulators.UniqueName("overtaken-first");
        string older = MotoSecretsManager.NewVersionId();
        string newer = MotoSecretsManager.NewVersionId();

        TargetWriteResult refused = await target.WriteAsync(MotoSecretsManager.Write(name, older, "older", stage: TargetVersionStage.Superseded));

        Assert.True(refused.TargetMissing);
        await Assert.ThrowsAsync<SecretsManagerException>(() => client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name }));

        await target.WriteAsync(MotoSecretsManager.Write(name, newer, "newer"));
        TargetWriteResult stored = await target.WriteAsync(MotoSecretsManager.Write(name, older, "older", stage: TargetVersionStage.Superseded));

        Assert.False(stored.TargetMissing);
        DescribeSecretResponse described = await client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name });
        Assert.Equal(["AWSCURRENT"], described.VersionIdsToStages![newer]);
        Assert.Equal(["kvrep-superseded"], described.VersionIdsToStages![older]);
    }

    [Fact]
    public async Task Writing_to_a_secret_scheduled_for_deletion_restores_it()
    {
        // Not known as ours: moto accepts a put on a deleted secret, so only DescribeSecret reveals the deletion.
        (SecretsManagerClient client, SecretsManagerTarget target) = await MotoSecretsManager.CreateTargetAsync();
        string name = SharedEmulators.UniqueName("restore");
        await target.WriteAsync(MotoSecretsManager.Write(name, MotoSecretsManager.NewVersionId(), "before"));
        await client.DeleteSecretAsync(new DeleteSecretRequest { SecretId = name, RecoveryWindowInDays = 7 });
        string version = MotoSecretsManager.NewVersionId();

        TargetWriteResult result = await target.WriteAsync(MotoSecretsManager.Write(name, version, "after"));

        Assert.Equal(new TargetWriteResult(CreatedSecret: false, RestoredSecret: true, OwnershipVerified: true), result);
        Assert.Null((await client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name })).DeletedDate);
        GetSecretValueResponse current = await client.GetSecretValueAsync(new GetSecretValueRequest { SecretId = name });
        Assert.Equal(version, current.VersionId);
        Assert.Equal("after", current.SecretString!.Reveal());
    }

    [Fact]
    public async Task Promote_is_a_compare_and_swap_of_AWSCURRENT()
    {
        (SecretsManagerClient client, SecretsManagerTarget target) = await MotoSecretsManager.CreateTargetAsync();
        string name = SharedEmulators.UniqueName("promote");
        string first = MotoSecretsManager.NewVersionId();
        string second = MotoSecretsManager.NewVersionId();
        await target.WriteAsync(MotoSecretsManager.Write(name, first, "first"));
        await target.WriteAsync(MotoSecretsManager.Write(name, second, "second", stage: TargetVersionStage.Superseded));

        // Reads name the stage: moto's stage-less GetSecretValue ignores UpdateSecretVersionStage.

        Assert.False(await target.PromoteAsync(name, second, expectedCurrentVersionId: second));
        Assert.Equal(first, (await client.GetSecretValueAsync(new GetSecretValueRequest { SecretId = name, VersionStage = "AWSCURRENT" })).VersionId);

        Assert.True(await target.PromoteAsync(name, second, expectedCurrentVersionId: first));

        Assert.Equal(second, (await client.GetSecretValueAsync(new GetSecretValueRequest { SecretId = name, VersionStage = "AWSCURRENT" })).VersionId);
        Assert.False(await target.PromoteAsync(name, first, expectedCurrentVersionId: first));
        Assert.Equal(second, (await client.GetSecretValueAsync(new GetSecretValueRequest { SecretId = name, VersionStage = "AWSCURRENT" })).VersionId);
    }

    [Fact]
    public async Task Promote_of_a_version_the_target_lacks_reports_no_change()
    {
        // Kept apart: moto drops AWSCURRENT from RemoveFromVersionId before it notices the missing version (AWS does not).
        (_, SecretsManagerTarget target) = await MotoSecretsManager.CreateTargetAsync();
        string name = SharedEmulators.UniqueName("promote-missing");
        string first = MotoSecretsManager.NewVersionId();
        await target.WriteAsync(MotoSecretsManager.Write(name, first, "first"));

        Assert.False(await target.PromoteAsync(name, MotoSecretsManager.NewVersionId(), expectedCurrentVersionId: first));
        Assert.False(await target.PromoteAsync(SharedEmulators.UniqueName("promote-nosecret"), MotoSecretsManager.NewVersionId(), expectedCurrentVersionId: first));
    }

    [Fact]
    public async Task Refuses_a_foreign_secret_and_adopts_it_only_when_allowed()
    {
        (SecretsManagerClient client, SecretsManagerTarget target) = await MotoSecretsManager.CreateTargetAsync();
        string name = SharedEmulators.UniqueName("foreign");
        string foreignVersion = MotoSecretsManager.NewVersionId();
        await client.CreateSecretAsync(new CreateSecretRequest { Name = name, ClientRequestToken = foreignVersion, SecretString = new SecretValue("theirs") });

        var refused = await Assert.ThrowsAsync<SecretStoreException>(() => target.WriteAsync(MotoSecretsManager.Write(name, MotoSecretsManager.NewVersionId(), "ours")));
        Assert.Equal(TargetErrorCodes.ForeignSecret, refused.ErrorCode);
        Assert.Equal(foreignVersion, (await client.GetSecretValueAsync(new GetSecretValueRequest { SecretId = name })).VersionId);

        (_, SecretsManagerTarget adopting) = await MotoSecretsManager.CreateTargetAsync(options => options.AdoptForeignSecrets = true);
        await adopting.WriteAsync(MotoSecretsManager.Write(name, MotoSecretsManager.NewVersionId(), "ours"));

        DescribeSecretResponse described = await client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name });
        Assert.Contains(described.Tags!, tag => tag.Key == ReplicationTags.ManagedBy && tag.Value == ReplicationTags.ManagedByValue);
        Assert.Equal("ours", (await client.GetSecretValueAsync(new GetSecretValueRequest { SecretId = name })).SecretString!.Reveal());
    }

    [Fact]
    public async Task A_version_id_reused_with_another_value_is_a_permanent_conflict()
    {
        (_, SecretsManagerTarget target) = await MotoSecretsManager.CreateTargetAsync();
        string name = SharedEmulators.UniqueName("conflict");
        string version = MotoSecretsManager.NewVersionId();
        await target.WriteAsync(MotoSecretsManager.Write(name, version, "original value of the version"));

        var conflict = await Assert.ThrowsAsync<SecretStoreException>(() => target.WriteAsync(MotoSecretsManager.Write(name, version, "another value for the same version")));

        Assert.False(conflict.IsTransient);
        Assert.Equal(TargetErrorCodes.VersionConflict, conflict.ErrorCode);
    }

    [Fact]
    public async Task An_adopted_secret_is_replicated_to_the_configured_regions_it_lacks_and_a_created_one_to_all()
    {
        // moto keeps replicas per region but ignores a replica's KmsKeyId (it reports the default key), so the
        // key per region is asserted on the wire in SecretsManagerTargetTakeoverAndBinaryTests.
        (SecretsManagerClient client, SecretsManagerTarget target) = await MotoSecretsManager.CreateTargetAsync(options =>
        {
            options.TakeoverPolicy = TakeoverPolicy.Adopt;
            options.ReplicaRegions = ["us-west-2", "eu-west-1"];
            options.ReplicaKmsKeyIds = new Dictionary<string, string> { ["eu-west-1"] = "alias/kv-dub" };
        });
        string adopted = SharedEmulators.UniqueName("replica-adopt");
        string created = SharedEmulators.UniqueName("replica-create");
        await client.CreateSecretAsync(new CreateSecretRequest { Name = adopted, ClientRequestToken = MotoSecretsManager.NewVersionId(), SecretString = new SecretValue("x"), AddReplicaRegions = [new ReplicaRegionType { Region = "us-west-2" }] });

        await target.WriteAsync(MotoSecretsManager.Write(adopted, MotoSecretsManager.NewVersionId(), "adopted value"));
        await target.WriteAsync(MotoSecretsManager.Write(created, MotoSecretsManager.NewVersionId(), "created value"));

        foreach (string name in new[] { adopted, created })
        {
            DescribeSecretResponse described = await client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name });
            Assert.Equal(["eu-west-1", "us-west-2"], described.ReplicationStatus!.Select(replica => replica.Region!).Order(StringComparer.Ordinal));
        }
    }
}
