using RestoreAgents.Bench.Harness;

namespace RestoreAgents.Bench.Report;

/// <summary>Everything the report says about one benchmark run: where, what, how, and the results.</summary>
public sealed record BenchRun(
    DateTimeOffset Started,
    TimeSpan Duration,
    string Command,
    string Commit,
    string AzuriteVersion,
    MachineInfo Machine,
    string LoadBefore,
    string LoadAfter,
    BenchSettings Settings,
    SourceDisk Disk,
    int WarmUpRounds,
    IReadOnlyList<ContenderSummary> Contenders);
