namespace RestoreAgents.Caching;

/// <summary>A snapshot of what a <see cref="PageCache"/> has done so far.</summary>
public sealed record PageCacheStatistics
{
    /// <summary>Bytes accepted by writes (overwrites count again).</summary>
    public long BytesWritten { get; init; }

    /// <summary>Pages written to the blob (a page flushed early and completed later counts twice).</summary>
    public long PagesUploaded { get; init; }

    /// <summary>Pages that were all zeros and so did not travel (declared holes included).</summary>
    public long PagesSkippedZero { get; init; }

    public long BytesUploaded { get; init; }

    /// <summary>Partial pages uploaded because every slot held a partial page.</summary>
    public long EarlyFlushes { get; init; }

    /// <summary>Writes that had to wait for a slot.</summary>
    public long SlotWaits { get; init; }

    public TimeSpan SlotWaitTime { get; init; }

    public int SlotsInUse { get; init; }

    public int PeakSlotsInUse { get; init; }

    public int SlotCount { get; init; }

    /// <summary>Page uploads measured by histograms only, beyond the few that got a span of their own.</summary>
    public long UploadsWithoutSpan { get; init; }
}
