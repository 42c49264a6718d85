namespace RestoreAgents.PseudoDisk;

/// <summary>An open file of the pseudo-disk; remembers whether it wrote since its last flush.</summary>
internal sealed class OpenDiskHandle(DiskFile file, bool canWrite)
{
    private int _dirty;

    public DiskFile File { get; } = file;

    public bool CanWrite { get; } = canWrite;

    public void MarkDirty() => Volatile.Write(ref _dirty, 1);

    /// <summary>True when the handle wrote since the last call: the caller flushes then.</summary>
    public bool TakeDirty() => Interlocked.Exchange(ref _dirty, 0) == 1;
}
