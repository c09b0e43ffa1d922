namespace KvReplicator.Credentials;

/// <summary>Where the replicator gets its AWS credentials from.</summary>
internal enum CredentialSourceKind
{
    /// <summary>The AWS SDK's default chain (environment, profile, container, instance metadata).</summary>
    Default,

    /// <summary>IAM Roles Anywhere through AWS's <c>aws_signing_helper credential-process</c> binary.</summary>
    SigningHelper,

    /// <summary>IAM Roles Anywhere <c>CreateSession</c> signed in process: no binary, no key on disk.</summary>
    RolesAnywhere,

    /// <summary>An Entra ID token exchanged with STS <c>AssumeRoleWithWebIdentity</c>: no certificate at all.</summary>
    WebIdentity,
}
