using System.Text.Json;
using System.Text.RegularExpressions;

namespace KvReplicator.Tests.Infra;

/// <summary>
/// Reads the IAM policy documents of infra/ (JSON templates, so what is checked is what OpenTofu sends) and holds
/// them to least privilege: no wildcard action, no wildcard resource but the one documented exception, Secrets
/// Manager access only under the replication prefix, KMS only through Secrets Manager.
/// </summary>
public sealed partial class IamPolicyDocumentTests
{
    /// <summary>
    /// The only statement allowed a "*" resource: ListSecrets has no resource-level permissions in IAM, and it
    /// returns metadata (names, tags), never values. See infra/README.md.
    /// </summary>
    private const string ListSecretsAction = "secretsmanager:ListSecrets";

    private const string PrefixScopedSecretArn = "arn:aws:secretsmanager:${region}:${account_id}:secret:${target_prefix}*";

    private static readonly string[] s_replicatorSecretsManagerActions =
    [
        "secretsmanager:CreateSecret",
        "secretsmanager:DeleteSecret",
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
        "secretsmanager:ListSecretVersionIds",
        "secretsmanager:PutSecretValue",
        "secretsmanager:RestoreSecret",
        "secretsmanager:TagResource",
        "secretsmanager:UntagResource",
        "secretsmanager:UpdateSecret",
        "secretsmanager:UpdateSecretVersionStage",
    ];

    /// <summary>The module's policies by file name, then the operators' policies by path from the repository root.</summary>
    public static TheoryData<string> PolicyFiles()
    {
        var data = new TheoryData<string>();
        foreach (string path in PolicyPaths())
        {
            data.Add(Path.GetFileName(path));
        }

        foreach (string path in OperatorPolicyPaths())
        {
            data.Add(Path.GetRelativePath(RepositoryLayout.Root, path));
        }

        return data;
    }

    [Fact]
    public void Operator_policies_for_read_only_verbs_grant_no_write()
    {
        string[] operatorFiles = OperatorPolicyPaths().Select(path => Path.GetRelativePath(RepositoryLayout.Root, path)).ToArray();
        Assert.NotEmpty(operatorFiles);
        foreach (string file in operatorFiles)
        {
            foreach (string action in AllowStatements(file).SelectMany(statement => Values(statement, "Action")))
            {
                string verb = action[(action.IndexOf(':', StringComparison.Ordinal) + 1)..];
                Assert.True(verb.StartsWith("Describe", StringComparison.Ordinal) || verb.StartsWith("Get", StringComparison.Ordinal)
                    || verb.StartsWith("List", StringComparison.Ordinal) || action == "kms:Decrypt",
                    $"{file}: {action} is not a read");
            }
        }
    }

    [Fact]
    public void The_module_has_the_policy_documents_this_test_expects()
    {
        string[] names = PolicyPaths().Select(Path.GetFileName).ToArray()!;

        Assert.Contains("secrets-manager-access.json.tftpl", names);
        Assert.Contains("kms-via-secrets-manager.json.tftpl", names);
        Assert.Contains("roles-anywhere-trust.json.tftpl", names);
        Assert.Contains("web-identity-trust.json.tftpl", names);
    }

    [Theory]
    [MemberData(nameof(PolicyFiles))]
    public void No_allow_statement_grants_a_wildcard_action(string file)
    {
        foreach (JsonElement statement in AllowStatements(file))
        {
            Assert.False(statement.TryGetProperty("NotAction", out _), $"{file}: NotAction grants everything it does not list");
            foreach (string action in Values(statement, "Action"))
            {
                Assert.DoesNotContain("*", action, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(PolicyFiles))]
    public void No_allow_statement_grants_a_wildcard_resource_or_principal(string file)
    {
        foreach (JsonElement statement in AllowStatements(file))
        {
            Assert.False(statement.TryGetProperty("NotResource", out _), $"{file}: NotResource grants everything it does not list");
            Assert.False(statement.TryGetProperty("NotPrincipal", out _), $"{file}: NotPrincipal trusts everyone it does not list");

            string[] actions = Values(statement, "Action").ToArray();
            foreach (string resource in Values(statement, "Resource"))
            {
                if (resource == "*")
                {
                    Assert.True(actions is [ListSecretsAction],
                        $"{file}: only a statement with exactly {ListSecretsAction} may use a \"*\" resource, not [{string.Join(", ", actions)}]");
                }
                else
                {
                    Assert.DoesNotMatch(OnlyWildcardsAfterService(), resource);
                }
            }

            if (statement.TryGetProperty("Principal", out JsonElement principal))
            {
                Assert.False(principal.ValueKind == JsonValueKind.String && principal.GetString() == "*", $"{file}: Principal \"*\" trusts anyone");
                foreach (JsonProperty kind in principal.EnumerateObject())
                {
                    Assert.DoesNotContain("*", Values(kind.Value));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(PolicyFiles))]
    public void Secrets_Manager_resources_are_scoped_to_the_replication_prefix(string file)
    {
        foreach (JsonElement statement in AllowStatements(file))
        {
            string[] actions = Values(statement, "Action").ToArray();
            bool touchesSecrets = actions.Any(a => a.StartsWith("secretsmanager:", StringComparison.Ordinal) && a != ListSecretsAction);
            foreach (string resource in Values(statement, "Resource").Where(r => r.StartsWith("arn:aws:secretsmanager:", StringComparison.Ordinal)))
            {
                Assert.Equal(PrefixScopedSecretArn, resource);
            }

            if (touchesSecrets)
            {
                Assert.All(Values(statement, "Resource"), resource => Assert.Equal(PrefixScopedSecretArn, resource));
            }
        }
    }

    [Fact]
    public void The_replicator_policy_allows_exactly_the_Secrets_Manager_actions_it_uses()
    {
        string[] granted = AllowStatements("secrets-manager-access.json.tftpl")
            .SelectMany(statement => Values(statement, "Action"))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(s_replicatorSecretsManagerActions.Append(ListSecretsAction).Order(StringComparer.Ordinal), granted);
    }

    [Theory]
    [MemberData(nameof(PolicyFiles))]
    public void KMS_is_usable_only_through_Secrets_Manager(string file)
    {
        foreach (JsonElement statement in AllowStatements(file).Where(s => Values(s, "Action").Any(a => a.StartsWith("kms:", StringComparison.Ordinal))))
        {
            Assert.True(statement.TryGetProperty("Condition", out JsonElement condition), $"{file}: a KMS grant needs a kms:ViaService condition");
            Assert.Equal("secretsmanager.${region}.amazonaws.com", condition.GetProperty("StringEquals").GetProperty("kms:ViaService").GetString());
            Assert.Equal(PrefixScopedSecretArn, condition.GetProperty("StringLike").GetProperty("kms:EncryptionContext:SecretARN").GetString());
        }
    }

    [Fact]
    public void The_Roles_Anywhere_role_trusts_only_the_trust_anchor_and_the_certificate_subject()
    {
        JsonElement statement = Assert.Single(AllowStatements("roles-anywhere-trust.json.tftpl"));

        Assert.Equal("rolesanywhere.amazonaws.com", statement.GetProperty("Principal").GetProperty("Service").GetString());
        JsonElement condition = statement.GetProperty("Condition");
        Assert.Equal("${trust_anchor_arn}", condition.GetProperty("ArnEquals").GetProperty("aws:SourceArn").GetString());
        Assert.Equal("${certificate_cn}", condition.GetProperty("StringEquals").GetProperty("aws:PrincipalTag/x509Subject/CN").GetString());
    }

    [Fact]
    public void The_web_identity_role_trusts_only_the_function_identity_and_audience()
    {
        JsonElement statement = Assert.Single(AllowStatements("web-identity-trust.json.tftpl"));

        Assert.Equal(["sts:AssumeRoleWithWebIdentity"], Values(statement, "Action"));
        JsonElement equals = statement.GetProperty("Condition").GetProperty("StringEquals");
        Assert.Equal("${audience}", equals.GetProperty("${issuer_host_path}:aud").GetString());
        Assert.Equal("${principal_id}", equals.GetProperty("${issuer_host_path}:sub").GetString());
    }

    [Fact]
    public void Every_policy_of_the_module_is_a_template_these_tests_read()
    {
        string[] referenced = RepositoryLayout.TofuFiles()
            .SelectMany(path => TemplateReference().Matches(File.ReadAllText(path)).Select(m => m.Groups["file"].Value))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        string[] onDisk = PolicyPaths().Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

        Assert.Equal(onDisk, referenced);
        foreach (string path in RepositoryLayout.TofuFiles())
        {
            // An inline document (jsonencode or a heredoc) would escape these checks.
            Assert.DoesNotMatch(InlinePolicyDocument(), File.ReadAllText(path));
        }
    }

    private static IEnumerable<string> PolicyPaths() =>
        Directory.EnumerateFiles(RepositoryLayout.PolicyDirectory, "*.json*").Order(StringComparer.Ordinal);

    private static IEnumerable<string> OperatorPolicyPaths() =>
        Directory.EnumerateFiles(RepositoryLayout.OperatorPolicyDirectory, "*.json*").Order(StringComparer.Ordinal);

    /// <param name="file">A file name in infra/policies, or a path from the repository root.</param>
    private static IEnumerable<JsonElement> AllowStatements(string file)
    {
        string path = file.Contains('/', StringComparison.Ordinal) ? Path.Combine(RepositoryLayout.Root, file) : Path.Combine(RepositoryLayout.PolicyDirectory, file);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement statements = document.RootElement.GetProperty("Statement");
        JsonElement[] all = statements.ValueKind == JsonValueKind.Array
            ? statements.EnumerateArray().Select(s => s.Clone()).ToArray()
            : [statements.Clone()];
        return all.Where(s => s.GetProperty("Effect").GetString() == "Allow").ToArray();
    }

    private static IEnumerable<string> Values(JsonElement statement, string property) =>
        statement.TryGetProperty(property, out JsonElement value) ? Values(value) : [];

    private static IEnumerable<string> Values(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Array => value.EnumerateArray().Select(v => v.GetString()!).ToArray(),
        _ => throw new InvalidOperationException($"Unexpected {value.ValueKind} in a policy document"),
    };

    /// <summary>An ARN like <c>arn:aws:secretsmanager:*</c> or <c>arn:aws:s3:::*</c> is "*" in disguise.</summary>
    [GeneratedRegex(@"^arn:[^:]*:[^:]*:[^:]*:[^:]*:?\*$")]
    private static partial Regex OnlyWildcardsAfterService();

    [GeneratedRegex(@"templatefile\(""\$\{path\.module\}/policies/(?<file>[^""]+)""")]
    private static partial Regex TemplateReference();

    [GeneratedRegex(@"""?Statement""?\s*[=:]")]
    private static partial Regex InlinePolicyDocument();
}
