using System.Diagnostics;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Store;
using RestoreAgents.Telemetry;

namespace RestoreAgents.MediaAgent.Services;

/// <summary>
/// Splits a stream's wall time into reading the store and waiting to send (the network and flow control), for the
/// stream's trailers and span; each store read goes into the histograms, and the first few get a span.
/// </summary>
internal sealed class StreamStageTimer(MediaAgentMetrics metrics, TimeProvider time)
{
    private readonly SpanBudget _readSpans = new(MediaAgentTelemetry.Source, MediaAgentTelemetry.StoreReadSpan,
        MediaAgentTelemetry.SampledReads, MediaAgentTelemetry.SampledFailures, time);

    public TimeSpan Read { get; private set; }
    public TimeSpan Send { get; private set; }

    public StreamBlocksTimings Timings => new(Read, Send);

    /// <summary>Moves <paramref name="blocks"/> to the next block, timing the store's read of it.</summary>
    public async ValueTask<bool> TimeReadAsync(IAsyncEnumerator<DiskBlock> blocks, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        using var span = _readSpans.Start();
        try
        {
            var more = await blocks.MoveNextAsync();
            var elapsed = time.GetElapsedTime(start);
            Read += elapsed;
            if (!more) return false;
            var block = blocks.Current;
            span?.Activity?.SetTag(TelemetryAttributes.StoreOffset, block.Offset);
            span?.Activity?.SetTag(TelemetryAttributes.StoreBytes, block.Data.Length);
            metrics.RecordRead(elapsed, block.Data.Length, failure: null);
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var elapsed = time.GetElapsedTime(start);
            Read += elapsed;
            span?.Fail(e);
            metrics.RecordRead(elapsed, 0, e);
            throw;
        }
    }

    public async ValueTask TimeSendAsync(Task send)
    {
        var start = time.GetTimestamp();
        await send;
        Send += time.GetElapsedTime(start);
    }

    public void Tag(Activity? activity)
    {
        activity?.SetTag(TelemetryAttributes.StagePrefix + "store_read", Read.TotalSeconds);
        activity?.SetTag(TelemetryAttributes.StagePrefix + "send_wait", Send.TotalSeconds);
    }
}
