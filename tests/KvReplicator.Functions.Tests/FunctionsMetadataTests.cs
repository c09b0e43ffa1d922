using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using KvReplicator.Tests.Infra;
using Microsoft.Azure.Functions.Worker;

namespace KvReplicator.Functions.Tests;

/// <summary>
/// The functions.metadata the worker SDK generated is what the Functions host indexes: the trigger of each
/// function, its binding settings and the method it calls. The Event Grid triggers are only compiled with
/// <c>-p:EventGridTrigger=true</c> (GitHub Actions), so those expectations hold only in that build.
/// </summary>
public sealed partial class FunctionsMetadataTests
{
#if EVENT_GRID_TRIGGER
    private static readonly string[] s_expectedFunctions = ["Reconcile", "ReplicateSecret", "ReplicateSecretCloudEvent"];
#else
    private static readonly string[] s_expectedFunctions = ["Reconcile"];
#endif

    [Fact]
    public void The_metadata_lists_exactly_the_functions_of_this_build()
    {
        Assert.Equal(s_expectedFunctions, GeneratedFunctions.Metadata.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Reconcile_runs_on_the_timer_whose_schedule_is_the_reconcile_setting()
    {
        JsonElement reconcile = GeneratedFunctions.Metadata["Reconcile"];

        Assert.Equal("KvReplicator.Functions.Reconcile.RunAsync", reconcile.GetProperty("entryPoint").GetString());
        JsonElement trigger = Assert.Single(reconcile.GetProperty("bindings").EnumerateArray());
        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("In", trigger.GetProperty("direction").GetString());
        // %…% makes the host read the schedule from the app setting KvReplicator__Reconcile__Schedule.
        Assert.Equal("%KvReplicator:Reconcile:Schedule%", trigger.GetProperty("schedule").GetString());
    }

#if EVENT_GRID_TRIGGER
    [Theory]
    [InlineData("ReplicateSecret", "KvReplicator.Functions.ReplicateSecret.RunAsync")]
    [InlineData("ReplicateSecretCloudEvent", "KvReplicator.Functions.ReplicateSecret.RunCloudEventAsync")]
    public void Each_event_schema_has_its_Event_Grid_function(string name, string entryPoint)
    {
        JsonElement function = GeneratedFunctions.Metadata[name];

        Assert.Equal(entryPoint, function.GetProperty("entryPoint").GetString());
        JsonElement trigger = Assert.Single(function.GetProperty("bindings").EnumerateArray());
        Assert.Equal("eventGridTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("In", trigger.GetProperty("direction").GetString());
    }

    [Fact]
    public void The_functions_infra_subscribes_exist()
    {
        string locals = File.ReadAllText(Path.Combine(RepositoryLayout.InfraDirectory, "locals.tf"));
        Match choice = InfraFunctionName().Match(locals);
        Assert.True(choice.Success, "infra/locals.tf no longer picks function_name from the delivery schema");

        Assert.Contains(choice.Groups["cloudEvent"].Value, GeneratedFunctions.Metadata.Keys);
        Assert.Contains(choice.Groups["eventGrid"].Value, GeneratedFunctions.Metadata.Keys);
    }

    [GeneratedRegex(@"function_name\s*=\s*var\.event_delivery_schema\s*==\s*""CloudEventSchemaV1_0""\s*\?\s*""(?<cloudEvent>\w+)""\s*:\s*""(?<eventGrid>\w+)""")]
    private static partial Regex InfraFunctionName();
#endif

    [Fact]
    public void Every_entry_point_is_a_function_method_of_the_assembly()
    {
        foreach ((string name, JsonElement function) in GeneratedFunctions.Metadata)
        {
            Assert.Equal("KvReplicator.Functions.dll", function.GetProperty("scriptFile").GetString());
            Assert.Equal("dotnet-isolated", function.GetProperty("language").GetString());
            string entryPoint = function.GetProperty("entryPoint").GetString()!;
            int lastDot = entryPoint.LastIndexOf('.');
            Type? type = GeneratedFunctions.FunctionsAssembly.GetType(entryPoint[..lastDot]);
            MethodInfo? method = type?.GetMethod(entryPoint[(lastDot + 1)..]);

            Assert.Equal(name, method?.GetCustomAttribute<FunctionAttribute>()?.Name);
        }
    }
}
