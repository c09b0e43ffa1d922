using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace KvReplicator.Credentials;

/// <summary>
/// IAM Roles Anywhere through AWS's <c>aws_signing_helper credential-process</c>. The helper only reads
/// files, so the certificate, key and chain from Key Vault are written to a private temporary directory
/// for the length of one run and deleted whatever happens; the run is killed with its children when it
/// outlives the timeout.
/// </summary>
internal sealed partial class SigningHelperCredentialSource : RefreshingCredentialSource
{
    private const int MaxStandardOutputChars = 64 * 1024;
    private const int MaxStandardErrorChars = 8 * 1024;

    private readonly KeyVaultCertificateMaterialReader _material;
    private readonly RolesAnywhereOptions _identity;
    private readonly SigningHelperOptions _helper;

    public SigningHelperCredentialSource(
        KeyVaultCertificateMaterialReader material,
        RolesAnywhereOptions identity,
        SigningHelperOptions helper,
        TimeSpan refreshMargin,
        TimeProvider timeProvider,
        ILogger<SigningHelperCredentialSource> logger)
        : base(refreshMargin, timeProvider, logger)
    {
        _material = material ?? throw new ArgumentNullException(nameof(material));
        _identity = identity ?? throw new ArgumentNullException(nameof(identity));
        _helper = helper ?? throw new ArgumentNullException(nameof(helper));
    }

    public override string Name => "roles-anywhere-signing-helper";

    protected override async Task<ExpiringCredentials> FetchAsync(CancellationToken cancellationToken)
    {
        RolesAnywhereCertificateMaterial material = await _material.ReadAsync(Name, cancellationToken).ConfigureAwait(false);
        PrivateTempDirectory directory;
        try
        {
            directory = PrivateTempDirectory.Create("kvrep-cred-");
        }
        catch (IOException ex)
        {
            throw Failure($"could not create a private temporary directory ({ex.GetType().Name})", "TempDirectory");
        }

        try
        {
            string certificate = await directory.WriteFileAsync("certificate.pem", material.CertificatePem, cancellationToken).ConfigureAwait(false);
            string privateKey = await directory.WriteFileAsync("private-key.pem", material.PrivateKeyPem.Reveal(), cancellationToken).ConfigureAwait(false);
            string? chain = material.ChainPem is null
                ? null
                : await directory.WriteFileAsync("chain.pem", material.ChainPem, cancellationToken).ConfigureAwait(false);
            string output = await RunAsync(Arguments(certificate, privateKey, chain)).ConfigureAwait(false);
            try
            {
                return CredentialProcessOutputReader.Parse(output);
            }
            catch (FormatException ex)
            {
                throw Failure($"aws_signing_helper {ex.Message}", "InvalidHelperOutput");
            }
        }
        finally
        {
            DeleteQuietly(directory);
        }
    }

    private List<string> Arguments(string certificate, string privateKey, string? chain)
    {
        var arguments = new List<string> { "credential-process", "--certificate", certificate, "--private-key", privateKey };
        if (chain is not null)
        {
            arguments.AddRange(["--intermediates", chain]);
        }

        arguments.AddRange([
            "--trust-anchor-arn", _identity.TrustAnchorArn!,
            "--profile-arn", _identity.ProfileArn!,
            "--role-arn", _identity.RoleArn!,
            "--region", _identity.Region!,
            "--session-duration", _identity.DurationSeconds.ToString(CultureInfo.InvariantCulture),
        ]);
        if (_identity.Endpoint is not null)
        {
            arguments.AddRange(["--endpoint", _identity.Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/')]);
        }

        return arguments;
    }

    private async Task<string> RunAsync(List<string> arguments)
    {
        var startInfo = new ProcessStartInfo(_helper.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw Failure($"could not start '{_helper.Path}' (error {ex.NativeErrorCode})", "HelperNotStarted");
        }

        process.StandardInput.Close();
        Task<string> standardOutput = ReadCappedAsync(process.StandardOutput, MaxStandardOutputChars);
        Task<string> standardError = ReadCappedAsync(process.StandardError, MaxStandardErrorChars);
        using (var timeout = new CancellationTokenSource(_helper.Timeout, TimeProvider))
        {
            try
            {
                // The output is awaited under the timeout too: a child left behind holding stdout would otherwise hang the run.
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                await Task.WhenAll(standardOutput, standardError).WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // A child that left the tree can keep the pipes open; the output is abandoned, not awaited,
                // and disposing the process closes this end of the pipes.
                KillTree(process);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                throw Failure($"aws_signing_helper did not finish within {_helper.Timeout} and was killed", "Timeout");
            }
        }

        string output = await standardOutput.ConfigureAwait(false);
        string error = await standardError.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw Failure(
                $"aws_signing_helper exited with code {process.ExitCode}: {StandardErrorExcerpt.From(error)}",
                $"ExitCode{process.ExitCode.ToString(CultureInfo.InvariantCulture)}");
        }

        return output;
    }

    private void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
        {
            LogKillFailed(Logger, Name, ex.GetType().Name);
        }
    }

    /// <summary>Reads the whole stream so the child never blocks on a full pipe, keeping only the first <paramref name="limit"/> characters.</summary>
    private static async Task<string> ReadCappedAsync(StreamReader reader, int limit)
    {
        var kept = new StringBuilder();
        char[] buffer = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false)) > 0)
            {
                int room = limit - kept.Length;
                if (room > 0)
                {
                    kept.Append(buffer, 0, Math.Min(room, read));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The pipe was closed under the read after a timeout; what was read is all there is.
        }

        return kept.ToString();
    }

    private void DeleteQuietly(PrivateTempDirectory directory)
    {
        try
        {
            directory.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(Logger, Name, directory.Directory.FullName, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Error,
        Message = "Credential source {Source} could not delete its temporary key directory {Directory} ({ErrorType}); delete it by hand")]
    private static partial void LogDeleteFailed(ILogger logger, string source, string directory, string errorType);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Credential source {Source} could not kill aws_signing_helper after its timeout ({ErrorType})")]
    private static partial void LogKillFailed(ILogger logger, string source, string errorType);
}
