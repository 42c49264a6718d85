using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RestoreAgents.DataAgent;

internal static class DataAgentTelemetry
{
    public const string Name = "RestoreAgents.DataAgent";
    public static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> BytesReceived = Meter.CreateCounter<long>(
        "restoreagents.data.bytes_received", "By", "Allocated disk bytes received from media agents.");

    public static readonly Counter<long> JobsFinished = Meter.CreateCounter<long>(
        "restoreagents.data.jobs_finished", "{job}", "Restore jobs that ended, by final state.");
}
