using System.Diagnostics;
using RestoreAgents.Cloud;
using RestoreAgents.DataAgent.MediaAgents;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Telemetry;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>
/// A job's view of its block stream: one <c>restore.stream</c> span and one stream measurement per connection (a
/// re-opening is marked resumed), the stream's time and the media agent's own in the job's <see cref="StageTimes"/>,
/// each re-opening in the job's progress.
/// </summary>
internal sealed class StreamWatch(RestoreJob job, ConfiguredMediaAgent agent, StageTimes times, DataAgentMetrics metrics,
    TimeProvider time) : IBlockStreamWatcher
{
    private TimeSpan _writing;

    /// <summary>Adds the time one block took to write into the disk (the writer calls it, one block at a time).</summary>
    public void AddWriting(TimeSpan duration) => _writing += duration;

    public async Task<long> ConnectionAsync(bool resumed, Func<Task<long>> connect)
    {
        using var activity = DataAgentTelemetry.Source.StartActivity(DataAgentTelemetry.StreamSpan, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag(TelemetryAttributes.RpcSystem, TelemetryAttributes.RpcSystemGrpc);
            activity.SetTag(TelemetryAttributes.RpcService, Protocol.V1.MediaAgent.Descriptor.FullName);
            activity.SetTag(TelemetryAttributes.RpcMethod, "StreamBlocks");
            activity.SetTag(TelemetryAttributes.ServerAddress, agent.Url.Host);
            activity.SetTag(TelemetryAttributes.ServerPort, agent.Url.Port);
            activity.SetTag(TelemetryAttributes.StreamResumed, resumed);
        }
        var started = time.GetTimestamp();
        var writingBefore = _writing;
        var outcome = "failed";
        Exception? failure = null;
        try
        {
            var received = await connect();
            activity?.SetTag(TelemetryAttributes.StreamBytes, received);
            outcome = "completed";
            return received;
        }
        catch (Exception e)
        {
            (outcome, failure) = job.CancellationToken.IsCancellationRequested ? ("cancelled", null) : ("failed", e);
            if (failure is not null) SpanFailure.Mark(activity, e, SafeErrorText.Of(e));
            throw;
        }
        finally
        {
            var streaming = time.GetElapsedTime(started);
            var writing = _writing - writingBefore;
            times.Streaming += streaming;
            times.Writing += writing;
            activity?.SetTag(TelemetryAttributes.StagePrefix + "writing", writing.TotalSeconds);
            metrics.StreamEnded(streaming, outcome, failure, resumed);
        }
    }

    public void MediaTimings(StreamBlocksTimings timings) => times.MediaStoreRead += timings.StoreRead;

    public void Reconnecting(MediaAgentStreamException why) => job.AddStreamReconnect();
}
