using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace KvReplicator.Preflight;

/// <summary>
/// Asks every store the host registered (<see cref="IStoreCheck"/>) for one cheap answer before any work starts, so
/// a wrong certificate pin, a missing role or an unreachable endpoint stops start-up with one line naming the
/// setting, instead of failing every delivery later. <c>kvrep serve</c>, the Functions worker and every
/// <c>kvrep</c> verb run it; <c>kvrep doctor</c> prints it.
/// </summary>
internal sealed partial class StorePreflight
{
    /// <summary>How long one store may take to answer; the SDKs' own timeouts are minutes.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(20);

    private readonly IReadOnlyList<IStoreCheck> _checks;
    private readonly TimeProvider _timeProvider;

    public StorePreflight(IEnumerable<IStoreCheck> checks, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(checks);
        _checks = [.. checks];
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Runs every check in turn; one that requires a failed or skipped check is skipped. Nothing is logged here:
    /// each host reports the failures its own way (a line on stderr, a log line before the worker stops).
    /// </summary>
    public async Task<PreflightReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var checks = new List<PreflightCheck>(_checks.Count);
        foreach (IStoreCheck check in _checks)
        {
            PreflightCheck? prerequisite = check.Requires is null ? null : checks.LastOrDefault(done => done.Store == check.Requires);
            PreflightCheck done = prerequisite is { Status: not PreflightStatus.Passed }
                ? new PreflightCheck(check.Store, "-", PreflightStatus.Skipped, $"not checked: {check.Requires} did not pass")
                : await RunOneAsync(check, cancellationToken).ConfigureAwait(false);
            checks.Add(done);
        }

        return new PreflightReport(checks);
    }

    private async Task<PreflightCheck> RunOneAsync(IStoreCheck check, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(CheckTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            StoreCheckResult result = await check.CheckAsync(linked.Token).ConfigureAwait(false);
            return new PreflightCheck(check.Store, result.Target, result.Status, result.Detail, result.Failure);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new PreflightCheck(check.Store, "-", PreflightStatus.Failed,
                $"no answer within {CheckTimeout.TotalSeconds:0} s: check the address in its settings and the network", PreflightFailure.Unavailable);
        }
        catch (Exception exception) when (SettingsError(exception) is { } settings)
        {
            return new PreflightCheck(check.Store, "-", PreflightStatus.Failed, settings, PreflightFailure.Settings);
        }
    }

    /// <summary>
    /// What an invalid or wrongly typed setting says, when <paramref name="exception"/> is one: validation
    /// messages name settings, never values; a binding failure is reduced to the setting's path and type.
    /// </summary>
    public static string? SettingsError(Exception exception) => exception switch
    {
        OptionsValidationException validation => string.Join(" ", validation.Failures),
        AggregateException aggregate when aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(inner => SettingsError(inner) is not null)
            => string.Join(" ", aggregate.InnerExceptions.Select(inner => SettingsError(inner))),
        InvalidOperationException when BindingFailure().Match(exception.Message) is { Success: true } match
            => $"{match.Groups["path"].Value} is not a valid {TypeName(match.Groups["type"].Value)}.",
        _ => null,
    };

    /// <summary><c>System.Int32</c> reads better as a number; an enum type names its values.</summary>
    private static string TypeName(string type) => type switch
    {
        "System.Int32" or "System.Int64" or "System.Int16" or "System.Byte" => "whole number",
        "System.Double" or "System.Single" or "System.Decimal" => "number",
        "System.Boolean" => "boolean (true or false)",
        "System.TimeSpan" => "duration (hh:mm:ss)",
        "System.Uri" => "URI",
        _ when Type.GetType(type) is { IsEnum: true } enumType => $"value: one of {string.Join(", ", Enum.GetNames(enumType))}",
        _ => type[(type.LastIndexOf('.') + 1)..],
    };

    // ConfigurationBinder's "Failed to convert configuration value '…' at 'path' to type 'type'.": the value is dropped.
    [GeneratedRegex(@"configuration value .* at '(?<path>[^']+)' to type '(?<type>[^']+)'", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex BindingFailure();
}
