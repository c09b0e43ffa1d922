using System.Globalization;
using KvReplicator.Cli.Output;
using KvReplicator.Status;
using Spectre.Console;

namespace KvReplicator.Cli.Status;

/// <summary>Renders <c>kvrep status</c> on stdout: a table and a summary line for people, or JSON for scripts.</summary>
internal static class StatusReportWriter
{
    public static Task WriteJsonAsync(StatusReport report, TextWriter output) => ReportJson.WriteAsync(report, output);

    public static void WriteTable(StatusReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        // Several vaults or AWS targets: each row says which route it is (a single route's table is unchanged).
        bool routed = report.Secrets.Any(secret => secret.Target is not null);
        var table = new ReportTable();
        if (routed)
        {
            table.AddColumns("Vault", "Target");
        }

        table.AddColumns(
            "Secret", "State", "Replicated", "Replicated at (UTC)", "Key Vault version", "AWS version", "KV sha256", "AWS sha256", "Detail");
        foreach (SecretStatus secret in report.Secrets)
        {
            ReportText[] route = routed ? [secret.Vault ?? "-", secret.Target ?? "-"] : [];
            table.AddRow(
            [
                .. route,
                secret.Name ?? secret.TargetName,
                StateText(secret.State),
                Short(secret.ReplicatedVersion),
                secret.ReplicatedOn?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-",
                Short(secret.KeyVaultVersion),
                Short(secret.AwsVersion),
                secret.KeyVaultSha256Prefix ?? "-",
                secret.AwsSha256Prefix ?? "-",
                secret.Detail,
            ]);
        }

        var writer = new ReportWriter(output);
        writer.Write(table);
        string counts = string.Join(", ", Enum.GetValues<SecretState>().Select(state => $"{report.Count(state)} {Words(state)}"));
        writer.WriteLine(
            $"{report.Secrets.Count} secret(s){(routed ? " (per target)" : string.Empty)} of vault '{report.Vault}': {counts}; compared at {report.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC"
            + (report.DeadLetters is null ? " (no dead-letter container configured)" : string.Empty));
    }

    /// <summary>The state as people say it; red for what needs a person, yellow for what is on its way.</summary>
    private static ReportText StateText(SecretState state) => new(Words(state), state switch
    {
        SecretState.InSync => Color.Green,
        SecretState.Pending => Color.Yellow,
        SecretState.Failed or SecretState.Foreign => Color.Red,
        _ => null,
    });

    private static string Words(SecretState state) => state switch
    {
        SecretState.InSync => "in sync",
        _ => state.ToString().ToLowerInvariant(),
    };

    /// <summary>Version ids are 32 hex digits; eight tell them apart in a table, and <c>--json</c> has them whole.</summary>
    private static string Short(string? version) => version is null ? "-" : version.Length > 8 ? version[..8] : version;
}
