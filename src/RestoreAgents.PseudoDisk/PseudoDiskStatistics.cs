namespace RestoreAgents.PseudoDisk;

/// <summary>A snapshot of what the pseudo-disk's file system has served.</summary>
public sealed record PseudoDiskStatistics
{
    public long Reads { get; init; }

    public long BytesRead { get; init; }

    public long Writes { get; init; }

    public long BytesWritten { get; init; }

    /// <summary>The largest single write the driver received: shows whether the kernel sends big writes.</summary>
    public int LargestWrite { get; init; }

    /// <summary>Page-cache flushes run for fsync, or for a close after writes.</summary>
    public long CacheFlushes { get; init; }

    /// <summary>Operations that failed with EIO (the log has each one).</summary>
    public long Failures { get; init; }
}
