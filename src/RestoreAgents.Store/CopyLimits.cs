using RestoreAgents.DiskImages;

namespace RestoreAgents.Store;

/// <summary>
/// What a copy may be, checked when a backup is written and again whenever a manifest is read, so a damaged or
/// forged manifest costs neither memory nor a wrong restore, and what a request may ask of a copy.
/// </summary>
public static class CopyLimits
{
    /// <summary>The smallest block: the store's unit of zero detection and dedup.</summary>
    public const int MinBlockSize = 4096;

    /// <summary>The largest block: a media agent holds one block in memory per stream.</summary>
    public const int MaxBlockSize = 64 * 1024 * 1024;

    /// <summary>The largest disk, as for the images <c>restorectl backup</c> reads.</summary>
    public const long MaxDiskSize = DiskImageLimits.MaxVirtualSize;

    /// <summary>The longest copy name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The longest source format name a manifest may carry ("raw", "vhdx", ...).</summary>
    public const int MaxSourceFormatLength = 32;

    /// <summary>The most ranges one StreamBlocks request may name.</summary>
    public const int MaxRanges = 100_000;

    /// <summary>Null when <paramref name="blockSize"/> is a usable block size, else why not.</summary>
    public static string? BlockSizeProblem(long blockSize) =>
        blockSize is < MinBlockSize or > MaxBlockSize || blockSize % MinBlockSize != 0
            ? $"block size {blockSize} is not a multiple of {MinBlockSize} between {MinBlockSize} and {MaxBlockSize}"
            : null;
}
