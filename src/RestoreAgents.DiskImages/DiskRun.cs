namespace RestoreAgents.DiskImages;

internal enum DiskRunKind { Zero, Data, Compressed, ReadThrough }

/// <summary>
/// Where a stretch of the virtual disk comes from, as a format's map says: zeros, bytes of the image's own file,
/// part of a compressed unit (a qcow2 cluster, a VMDK grain), or another image (a parent, backing file or extent).
/// </summary>
internal readonly record struct DiskRun(DiskRunKind Kind, long Length)
{
    /// <summary>Data: where the run's first byte is in the file. Compressed: where the unit's compressed bytes are.</summary>
    public long FileOffset { get; init; }

    /// <summary>Compressed: the compressed bytes' length, at most (the stream may end sooner).</summary>
    public long CompressedLength { get; init; }

    /// <summary>Compressed: the virtual offset and length of the whole unit the run is part of.</summary>
    public long UnitStart { get; init; }

    public int UnitLength { get; init; }

    /// <summary>ReadThrough: the image to read, null for none (the run reads as zeros), and where in it.</summary>
    public DiskImage? Target { get; init; }

    public long TargetOffset { get; init; }

    public static DiskRun Zero(long length) => new(DiskRunKind.Zero, length);

    public static DiskRun Data(long length, long fileOffset) => new(DiskRunKind.Data, length) { FileOffset = fileOffset };

    public static DiskRun Compressed(long length, long unitStart, int unitLength, long fileOffset, long compressedLength) =>
        new(DiskRunKind.Compressed, length)
        {
            UnitStart = unitStart, UnitLength = unitLength, FileOffset = fileOffset, CompressedLength = compressedLength,
        };

    public static DiskRun ReadThrough(long length, DiskImage? target, long targetOffset) =>
        target is null ? Zero(length) : new(DiskRunKind.ReadThrough, length) { Target = target, TargetOffset = targetOffset };
}
