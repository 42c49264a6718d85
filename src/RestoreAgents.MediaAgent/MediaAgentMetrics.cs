using System.Diagnostics;
using System.Diagnostics.Metrics;
using RestoreAgents.Telemetry;

namespace RestoreAgents.MediaAgent;

/// <summary>
/// The media agent's instruments, from the host's IMeterFactory: store reads (latency, bytes, outcome) and streams
/// ended for a client that read nothing.
/// </summary>
public sealed class MediaAgentMetrics
{
    private readonly Histogram<double> _readDuration;
    private readonly Counter<long> _readBytes;
    private readonly Counter<long> _streamsEndedIdle;

    public MediaAgentMetrics(IMeterFactory meterFactory)
    {
        var meter = TelemetrySources.CreateMeter(meterFactory, MediaAgentTelemetry.Name, typeof(MediaAgentMetrics));
        _readDuration = meter.CreateHistogram<double>("restoreagents.store.read.duration", "s",
            "Time to read, decompress and check the next block of a copy, by outcome (read, failed).");
        _readBytes = meter.CreateCounter<long>("restoreagents.store.read.bytes", "By",
            "Disk bytes read from the store and streamed to data agents.");
        _streamsEndedIdle = meter.CreateCounter<long>("restoreagents.stream.ended_idle", "{stream}",
            "Streams ended because their client read nothing for MediaAgent:StreamIdleTimeout.");
    }

    internal void RecordRead(TimeSpan duration, long bytes, Exception? failure)
    {
        if (_readDuration.Enabled)
        {
            var tags = new TagList { { TelemetryAttributes.Outcome, failure is null ? "read" : "failed" } };
            if (failure is not null) tags.Add(TelemetryAttributes.ErrorType, SpanFailure.ErrorType(failure));
            _readDuration.Record(duration.TotalSeconds, tags);
        }
        if (bytes > 0) _readBytes.Add(bytes);
    }

    internal void StreamEndedIdle() => _streamsEndedIdle.Add(1);
}
