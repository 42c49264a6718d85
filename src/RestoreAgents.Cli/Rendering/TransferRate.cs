namespace RestoreAgents.Cli.Rendering;

/// <summary>Bytes per second over the last few seconds of samples, so the ETA follows the current speed.</summary>
public sealed class TransferRate(TimeProvider timeProvider, TimeSpan? window = null)
{
    private readonly Queue<(long Timestamp, long Bytes)> _samples = new();
    private readonly TimeSpan _window = window ?? TimeSpan.FromSeconds(10);

    public void Add(long bytes)
    {
        long now = timeProvider.GetTimestamp();
        _samples.Enqueue((now, bytes));
        // Keep one sample older than the window so the span never collapses between sparse updates.
        while (_samples.Count > 2 && timeProvider.GetElapsedTime(_samples.ElementAt(1).Timestamp, now) > _window)
            _samples.Dequeue();
    }

    /// <summary>Bytes per second, or null until the samples span at least half a second.</summary>
    public double? BytesPerSecond
    {
        get
        {
            if (_samples.Count < 2) return null;
            var (firstTime, firstBytes) = _samples.Peek();
            var (lastTime, lastBytes) = _samples.Last();
            var span = timeProvider.GetElapsedTime(firstTime, lastTime);
            return span < TimeSpan.FromSeconds(0.5) ? null : (lastBytes - firstBytes) / span.TotalSeconds;
        }
    }

    /// <summary>Time left for <paramref name="remainingBytes"/> at the current rate, or null when unknown.</summary>
    public TimeSpan? EstimateRemaining(long remainingBytes)
    {
        if (remainingBytes <= 0) return TimeSpan.Zero;
        return BytesPerSecond is > 0 and var rate ? TimeSpan.FromSeconds(remainingBytes / rate) : null;
    }
}
