namespace RestoreAgents.Cli.Tests;

[CollectionDefinition(TraceContextTests.Name, DisableParallelization = true)]
public sealed class TraceContextCollection;
