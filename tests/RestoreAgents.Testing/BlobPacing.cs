namespace RestoreAgents.Testing;

/// <summary>
/// The pace <see cref="CloudFaultProxy"/> allows each blob's Put Pages, as Azure's per-blob throughput target
/// does: beyond it, a Put Page is answered 503 ServerBusy with Retry-After and not forwarded.
/// </summary>
public sealed record BlobPacing
{
    /// <summary>Bytes of Put Page bodies per second per blob (a one-second burst); unlimited when null.</summary>
    public long? BytesPerSecond { get; init; }

    /// <summary>Put Pages per blob being forwarded at once; unlimited when null.</summary>
    public int? MaxInFlight { get; init; }

    /// <summary>The Retry-After of an in-flight refusal; a byte-rate refusal says when the bytes will be allowed.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromMilliseconds(200);
}
