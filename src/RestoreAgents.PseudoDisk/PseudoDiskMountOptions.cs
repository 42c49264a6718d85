namespace RestoreAgents.PseudoDisk;

/// <summary>How a <see cref="PseudoDiskMount"/> behaves.</summary>
public sealed class PseudoDiskMountOptions
{
    /// <summary>
    /// Makes the caches of files created in the mount (create, then truncate to a size). Null: the mount only
    /// serves the disks added with <see cref="PseudoDiskMount.AddDisk"/>, and creating files fails with EACCES.
    /// </summary>
    public IDiskFactory? DiskFactory { get; set; }

    /// <summary>
    /// Open files with FUSE direct_io: each write goes from the writer's buffer to the driver without a copy in
    /// the kernel's page cache (which would only double what the page cache holds), and reads always come from
    /// the cache or the store. True by default; false lets the kernel cache reads and allows mmap.
    /// </summary>
    public bool DirectIo { get; set; } = true;

    /// <summary>How long the kernel may trust names and sizes it looked up (entry and attribute timeouts).</summary>
    public TimeSpan AttributeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most FUSE worker threads; a writer waiting for a cache slot holds one.</summary>
    public int MaxThreads { get; set; } = 16;

    /// <summary>Lets users other than the one who mounted use the mount (FUSE allow_other).</summary>
    public bool AllowOther { get; set; }

    /// <summary>How long unmounting waits for the FUSE loop to end before it cuts the connection.</summary>
    public TimeSpan UnmountTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (AttributeTimeout < TimeSpan.Zero)
            throw new ArgumentException($"attribute timeout {AttributeTimeout} is negative", nameof(AttributeTimeout));
        if (MaxThreads is < 1 or > 100_000)
            throw new ArgumentException($"max threads {MaxThreads} is not between 1 and 100000", nameof(MaxThreads));
        if (UnmountTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"unmount timeout {UnmountTimeout} is not positive", nameof(UnmountTimeout));
    }
}
