namespace RestoreAgents.DiskImages;

/// <summary>
/// What a header may claim before the reader refuses it, so a hostile image costs neither gigabytes of memory nor an
/// endless walk. Tables are never loaded whole: they are read <see cref="TableWindowBytes"/> at a time.
/// </summary>
public static class DiskImageLimits
{
    /// <summary>The largest virtual disk read: 64 TiB, the most VHDX allows.</summary>
    public const long MaxVirtualSize = 64L << 40;

    /// <summary>Images in a parent or backing chain, the top one included.</summary>
    public const int MaxChainLength = 16;

    /// <summary>The largest allocation unit (qcow2 cluster, VMDK grain) decompressed or cached whole.</summary>
    public const int MaxUnitBytes = 2 * 1024 * 1024;

    /// <summary>The largest VMDK descriptor, embedded or in its own file.</summary>
    public const int MaxDescriptorBytes = 64 * 1024;

    /// <summary>The most extents a VMDK descriptor may list.</summary>
    public const int MaxExtents = 4096;

    /// <summary>How much of an allocation table is read and held at once.</summary>
    public const int TableWindowBytes = 64 * 1024;

    internal static string Describe(long bytes) =>
        bytes >= 1L << 40 && bytes % (1L << 40) == 0 ? $"{bytes >> 40} TiB"
        : bytes >= 1L << 20 && bytes % (1L << 20) == 0 ? $"{bytes >> 20} MiB"
        : bytes >= 1L << 10 && bytes % (1L << 10) == 0 ? $"{bytes >> 10} KiB"
        : $"{bytes} bytes";
}
