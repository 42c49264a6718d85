using System.Diagnostics;

namespace RestoreAgents.MediaAgent.Services;

/// <summary>Splits a stream's wall time into reading the store and waiting on the network, for the trace.</summary>
internal sealed class StreamStageTimer
{
    public TimeSpan Read { get; private set; }
    public TimeSpan Send { get; private set; }

    public async ValueTask<bool> TimeReadAsync(ValueTask<bool> read)
    {
        var start = Stopwatch.GetTimestamp();
        var result = await read;
        var elapsed = Stopwatch.GetElapsedTime(start);
        Read += elapsed;
        MediaAgentTelemetry.StoreReadSeconds.Record(elapsed.TotalSeconds);
        return result;
    }

    public async ValueTask TimeSendAsync(Task send)
    {
        var start = Stopwatch.GetTimestamp();
        await send;
        Send += Stopwatch.GetElapsedTime(start);
    }

    public void Tag(Activity? activity)
    {
        activity?.SetTag("restoreagents.store_read_seconds", Read.TotalSeconds);
        activity?.SetTag("restoreagents.network_wait_seconds", Send.TotalSeconds);
    }
}
