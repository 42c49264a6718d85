namespace RestoreAgents.Testing;

/// <summary>One blob's <see cref="BlobPacing"/> at work: its Put Pages in flight and a token bucket of bytes.</summary>
internal sealed class BlobPacer(BlobPacing pacing, TimeProvider time)
{
    private readonly Lock _gate = new();
    private int _inFlight;
    private double _tokens = pacing.BytesPerSecond ?? 0;
    private long _refilled = time.GetTimestamp();

    /// <summary>Admits a Put Page of <paramref name="bytes"/> (the caller calls <see cref="Release"/> after it),
    /// or says how long the client should wait before it tries again.</summary>
    public bool TryAdmit(long bytes, out TimeSpan retryAfter)
    {
        lock (_gate)
        {
            retryAfter = pacing.RetryAfter;
            if (pacing.MaxInFlight is { } most && _inFlight >= most) return false;
            if (pacing.BytesPerSecond is { } rate)
            {
                // A page larger than a second of the rate still gets through, once the bucket holds all of it.
                _tokens = Math.Min(Math.Max(rate, bytes), _tokens + time.GetElapsedTime(_refilled).TotalSeconds * rate);
                _refilled = time.GetTimestamp();
                if (_tokens < bytes)
                {
                    retryAfter = TimeSpan.FromSeconds((bytes - _tokens) / rate);
                    return false;
                }
                _tokens -= bytes;
            }
            _inFlight++;
            return true;
        }
    }

    public void Release()
    {
        lock (_gate) _inFlight--;
    }
}
