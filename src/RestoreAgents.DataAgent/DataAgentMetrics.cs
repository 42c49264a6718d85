using System.Diagnostics;
using System.Diagnostics.Metrics;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Telemetry;

namespace RestoreAgents.DataAgent;

/// <summary>
/// The data agent's instruments, from the host's IMeterFactory: jobs by state, job and stream durations by outcome,
/// bytes restored and skipped. Tags are built only when an instrument is listened to.
/// </summary>
public sealed class DataAgentMetrics
{
    private readonly UpDownCounter<long> _jobs;
    private readonly Histogram<double> _jobDuration;
    private readonly Counter<long> _bytes;
    private readonly Histogram<double> _streamDuration;

    public DataAgentMetrics(IMeterFactory meterFactory)
    {
        var meter = TelemetrySources.CreateMeter(meterFactory, DataAgentTelemetry.Name, typeof(DataAgentMetrics));
        _jobs = meter.CreateUpDownCounter<long>("restoreagents.jobs", "{job}",
            "Restore jobs queued or running, by state.");
        _jobDuration = meter.CreateHistogram<double>("restoreagents.job.duration", "s",
            "Wall time of restore jobs that ended, by final state (completed, failed, cancelled).");
        _bytes = meter.CreateCounter<long>("restoreagents.restore.bytes", "By",
            "Disk bytes restored, by outcome: received (from media agents) or skipped_zero (zeros that never travel).");
        _streamDuration = meter.CreateHistogram<double>("restoreagents.stream.duration", "s",
            "Block streams from media agents, by outcome (completed, failed, cancelled); more streams than jobs "
            + "are reconnects.");
    }

    internal void JobQueued() => _jobs.Add(1, new KeyValuePair<string, object?>(TelemetryAttributes.JobState, "queued"));

    internal void JobStarted()
    {
        _jobs.Add(-1, new KeyValuePair<string, object?>(TelemetryAttributes.JobState, "queued"));
        _jobs.Add(1, new KeyValuePair<string, object?>(TelemetryAttributes.JobState, "running"));
    }

    /// <param name="wasRunning">False for a job cancelled in the queue.</param>
    internal void JobEnded(bool wasRunning, RestoreState state, TimeSpan duration, Exception? failure)
    {
        _jobs.Add(-1, new KeyValuePair<string, object?>(TelemetryAttributes.JobState, wasRunning ? "running" : "queued"));
        if (!_jobDuration.Enabled) return;
        var tags = new TagList { { TelemetryAttributes.JobState, StateName(state) } };
        if (failure is not null) tags.Add(TelemetryAttributes.ErrorType, SpanFailure.ErrorType(failure));
        _jobDuration.Record(duration.TotalSeconds, tags);
    }

    internal void BytesReceived(long bytes) =>
        _bytes.Add(bytes, new KeyValuePair<string, object?>(TelemetryAttributes.Outcome, "received"));

    internal void BytesSkippedZero(long bytes) =>
        _bytes.Add(bytes, new KeyValuePair<string, object?>(TelemetryAttributes.Outcome, "skipped_zero"));

    internal void StreamEnded(TimeSpan duration, string outcome, Exception? failure, bool resumed)
    {
        if (!_streamDuration.Enabled) return;
        var tags = new TagList
        {
            { TelemetryAttributes.Outcome, outcome },
            { TelemetryAttributes.StreamResumed, resumed },
        };
        if (failure is not null) tags.Add(TelemetryAttributes.ErrorType, SpanFailure.ErrorType(failure));
        _streamDuration.Record(duration.TotalSeconds, tags);
    }

    internal static string StateName(RestoreState state) => state switch
    {
        RestoreState.Queued => "queued",
        RestoreState.Running => "running",
        RestoreState.Completed => "completed",
        RestoreState.Failed => "failed",
        RestoreState.Cancelled => "cancelled",
        RestoreState.Resuming => "resuming",
        RestoreState.Interrupted => "interrupted",
        _ => "unknown",
    };
}
