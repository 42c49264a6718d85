using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RestoreAgents.MediaAgent;

internal static class MediaAgentTelemetry
{
    public const string Name = "RestoreAgents.MediaAgent";
    public static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> BytesSent =
        Meter.CreateCounter<long>("restoreagents.media.bytes_sent", "By", "Allocated disk bytes streamed to data agents.");

    public static readonly Counter<long> StreamsEndedIdle = Meter.CreateCounter<long>(
        "restoreagents.media.streams_ended_idle", "{stream}",
        "Streams ended because their client read nothing for MediaAgent:StreamIdleTimeout.");

    public static readonly Histogram<double> StoreReadSeconds = Meter.CreateHistogram<double>(
        "restoreagents.media.store_read", "s", "Time to read, decompress and verify the next block of a copy.");
}
