using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace KvReplicator.Testing;

/// <summary>
/// xunit's own framework, except that it installs <see cref="SecretLeakGuard"/> and gives the run its own temp
/// directory (<see cref="RunTempDirectory"/>) before the first test, and runs <see cref="SecretLeakCheck"/> after
/// every other test has finished, so the check sees the whole run and its failure fails the run like any test's. Each test project names it in an assembly-level TestFramework attribute.
/// </summary>
public sealed class LeakCheckingTestFramework : XunitTestFramework
{
    public LeakCheckingTestFramework(IMessageSink messageSink)
        : base(messageSink) => SecretLeakGuard.Install();

    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new Runner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            RunTempDirectory.Enter();
            bool passed = false;
            try
            {
                RunSummary summary = await runner.RunAsync();
                passed = summary.Failed == 0;
            }
            finally
            {
                SecretLeakGuard.Uninstall();
                RunTempDirectory.Leave(passed);
            }
        }
    }

    private sealed class Runner(ITestAssembly testAssembly, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        protected override async Task<RunSummary> RunTestCollectionsAsync(IMessageBus messageBus, CancellationTokenSource cancellationTokenSource)
        {
            List<IXunitTestCase> checks = TestCases.Where(IsLeakCheck).ToList();
            if (checks.Count == 0)
            {
                return await base.RunTestCollectionsAsync(messageBus, cancellationTokenSource);
            }

            TestCases = TestCases.Where(testCase => !IsLeakCheck(testCase)).ToList();
            RunSummary summary = await base.RunTestCollectionsAsync(messageBus, cancellationTokenSource);
            summary.Aggregate(await RunTestCollectionAsync(messageBus, checks[0].TestMethod.TestClass.TestCollection, checks, cancellationTokenSource));
            return summary;
        }

        private static bool IsLeakCheck(IXunitTestCase testCase) =>
            testCase.TestMethod.TestClass.Class.Name == typeof(SecretLeakCheck).FullName;
    }
}
