namespace RestoreAgents.Caching;

/// <summary>One page-sized region of the cache file and what the cache knows of the page it holds.</summary>
internal sealed class PageSlot(int index, long fileOffset)
{
    public int Index { get; } = index;

    /// <summary>Where the slot starts in the cache file.</summary>
    public long FileOffset { get; } = fileOffset;

    public long Page { get; set; } = -1;

    /// <summary>Bytes of the page (the disk's last page may be shorter than the page size).</summary>
    public int Length { get; set; }

    public PageSlotState State { get; set; }

    /// <summary>Writers copying into the slot outside the lock; a pinned slot is neither uploaded nor reused.</summary>
    public int Pins { get; set; }

    /// <summary>
    /// Writers waiting for this page while it uploads: the slot stays theirs (not freed, not flushed early) until
    /// they have looked again. Each writer takes back its own count, so <see cref="Reset"/> leaves it alone.
    /// </summary>
    public int Wanters { get; set; }

    /// <summary>A flush asked for this page while a writer had it pinned.</summary>
    public bool UploadWhenUnpinned { get; set; }

    public bool FlushedEarly { get; set; }

    /// <summary>Write clock of the last write, to pick the least recently written page for an early flush.</summary>
    public long LastWrite { get; set; }

    /// <summary>Changes whenever the slot is given to another page, so a reader outside the lock can tell.</summary>
    public long Version { get; set; }

    /// <summary>Bytes (page-relative) that hold data in the cache file; every other byte of the page is zero.</summary>
    public RangeSet Written { get; } = new();

    /// <summary>Bytes known: written, or declared zero, or filled by earlier visits of the page.</summary>
    public RangeSet Filled { get; } = new();

    public bool IsFull => Filled.Covers(0, Length);

    public void Reset()
    {
        Page = -1;
        Length = 0;
        State = PageSlotState.Free;
        Pins = 0;
        UploadWhenUnpinned = false;
        FlushedEarly = false;
        Written.Clear();
        Filled.Clear();
        Version++;
    }
}
