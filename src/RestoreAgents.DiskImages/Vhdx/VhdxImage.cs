namespace RestoreAgents.DiskImages.Vhdx;

/// <summary>
/// A VHDX (MS-VHDX): the BAT gives each payload block a state and a file offset, with one sector bitmap entry after
/// every chunk of blocks. Fully present blocks are read from the file; not present ones read as zeros or, in a
/// differencing disk, from the parent; partially present ones go sector by sector by the chunk's sector bitmap.
/// </summary>
internal sealed class VhdxImage : DiskImage
{
    private const long MiB = 1024 * 1024;
    private const int NotPresent = 0, Undefined = 1, ZeroBlock = 2, Unmapped = 3, FullyPresent = 6, PartiallyPresent = 7;
    private const int SectorBitmapPresent = 6;

    private readonly ImageTable _bat;
    private readonly VhdxMetadata _metadata;
    private readonly long _chunkRatio;
    private readonly DiskImage? _parent;
    private readonly SectorBitmap _bitmap;

    private VhdxImage(ImageFile file, VhdxRegions regions, VhdxMetadata metadata, ImageTable bat, long chunkRatio,
        DiskImage? parent)
        : base(file, metadata.VirtualSize, parent is null ? null : [parent])
    {
        DataWriteGuid = regions.DataWriteGuid;
        _metadata = metadata;
        _bat = bat;
        _chunkRatio = chunkRatio;
        _parent = parent;
        // Bit 0 of the first byte is the block's first sector.
        _bitmap = new SectorBitmap((int)(metadata.BlockSize / metadata.LogicalSectorSize / 8), mostSignificantBitFirst: false);
    }

    public static ReadOnlySpan<byte> Signature => "vhdxfile"u8;

    /// <summary>Changes whenever the disk's data changes; a differencing child records its parent's.</summary>
    public Guid DataWriteGuid { get; }

    public override string Format =>
        _parent is not null ? "vhdx-differencing" : _metadata.LeaveBlocksAllocated ? "vhdx-fixed" : "vhdx";

    private long BlockSize => _metadata.BlockSize;

    public static async Task<DiskImage> OpenAsync(ImageFile file, ImageChain chain, CancellationToken cancellationToken)
    {
        var regions = await VhdxRegions.ReadAsync(file, cancellationToken).ConfigureAwait(false);
        var metadata = await VhdxMetadata.ReadAsync(file, regions.Metadata, cancellationToken).ConfigureAwait(false);
        if (metadata.BlockSize is < (uint)MiB or > 256 * (uint)MiB || !uint.IsPow2(metadata.BlockSize))
            throw file.Corrupt(metadata.FileParametersOffset,
                $"its block size {metadata.BlockSize} is not a power of two from 1 MiB to 256 MiB");
        if (metadata.LogicalSectorSize is not (512 or 4096))
            throw file.Corrupt(regions.Metadata.Offset, $"its logical sector size {metadata.LogicalSectorSize} is not 512 or 4096");
        if (metadata.VirtualSize <= 0 || metadata.VirtualSize % metadata.LogicalSectorSize != 0)
            throw file.Corrupt(metadata.VirtualSizeOffset,
                $"its virtual size {metadata.VirtualSize} is not a positive multiple of its sector size");
        if (metadata.VirtualSize > DiskImageLimits.MaxVirtualSize)
            throw file.Unsupported(metadata.VirtualSizeOffset, $"its size of {metadata.VirtualSize} bytes is over the "
                + $"limit of {DiskImageLimits.Describe(DiskImageLimits.MaxVirtualSize)} (DiskImageLimits.MaxVirtualSize)");

        var chunkRatio = (1L << 23) * metadata.LogicalSectorSize / metadata.BlockSize;
        var blocks = (metadata.VirtualSize + metadata.BlockSize - 1) / metadata.BlockSize;
        var entries = metadata.HasParent
            ? (blocks + chunkRatio - 1) / chunkRatio * (chunkRatio + 1)
            : blocks + (blocks - 1) / chunkRatio;
        if (entries * 8 > regions.Bat.Length)
            throw file.Corrupt(regions.Bat.EntryOffset, $"its BAT region of {regions.Bat.Length} bytes cannot hold the "
                + $"{entries} entries a disk of {metadata.VirtualSize} bytes needs");
        var bat = new ImageTable(file, regions.Bat.Offset, entries, 8, bigEndian: false, "BAT");
        if (!metadata.HasParent) return new VhdxImage(file, regions, metadata, bat, chunkRatio, null);

        try
        {
            if (metadata.ParentLocator is null)
                throw file.Corrupt(regions.Metadata.Offset, "it is a differencing disk without a parent locator");
            var locator = VhdxParentLocator.Parse(file, metadata.ParentLocatorOffset, metadata.ParentLocator);
            var parent = await chain.OpenParentAsync(file, metadata.ParentLocatorOffset, locator.Names,
                candidate => candidate switch
                {
                    VhdxImage vhdx when locator.Linkages.Contains(vhdx.DataWriteGuid) => null,
                    VhdxImage vhdx => $"has data write GUID {vhdx.DataWriteGuid}, but this disk was made from "
                        + $"{locator.Linkages[0]}: the parent changed since",
                    _ => $"is a {candidate.Format} image, not a VHDX",
                }, cancellationToken).ConfigureAwait(false);
            return new VhdxImage(file, regions, metadata, bat, chunkRatio, parent);
        }
        catch
        {
            bat.Dispose();
            throw;
        }
    }

    private protected override async ValueTask<DiskRun> MapAsync(long offset, long length,
        CancellationToken cancellationToken)
    {
        (var block, var within, length) = InUnit(offset, length, BlockSize);
        var index = block + block / _chunkRatio;
        var entry = await _bat.GetAsync(index, cancellationToken).ConfigureAwait(false);
        switch ((int)(entry & 7))
        {
            case NotPresent:
                return DiskRun.ReadThrough(length, _parent, offset);
            case Undefined or ZeroBlock or Unmapped:
                return DiskRun.Zero(length);
            case FullyPresent:
                return DiskRun.Data(length, BlockOffset(index, entry, Math.Min(BlockSize, Size - block * BlockSize)) + within);
            case PartiallyPresent when _parent is not null:
                return await MapPartialAsync(offset, length, block, index, entry, cancellationToken).ConfigureAwait(false);
            case var state:
                throw File.Corrupt(_bat.EntryOffset(index), $"BAT entry {index} (block {block}) has state {state}, "
                    + (state == PartiallyPresent ? "which only a differencing disk may have" : "which is reserved"));
        }
    }

    private async ValueTask<DiskRun> MapPartialAsync(long offset, long length, long block, long index, ulong entry,
        CancellationToken cancellationToken)
    {
        var data = BlockOffset(index, entry, BlockSize);
        if (!_bitmap.Holds(block))
        {
            var bitmapIndex = block / _chunkRatio * (_chunkRatio + 1) + _chunkRatio;
            var bitmapEntry = await _bat.GetAsync(bitmapIndex, cancellationToken).ConfigureAwait(false);
            if ((int)(bitmapEntry & 7) != SectorBitmapPresent)
                throw File.Corrupt(_bat.EntryOffset(bitmapIndex), $"block {block} is partially present but its sector "
                    + $"bitmap (BAT entry {bitmapIndex}) has state {bitmapEntry & 7}, not present");
            var bytes = BlockSize / _metadata.LogicalSectorSize / 8;
            await _bitmap.LoadAsync(File, block, BlockOffset(bitmapIndex, bitmapEntry, MiB) + block % _chunkRatio * bytes,
                cancellationToken).ConfigureAwait(false);
        }
        var within = offset % BlockSize;
        var (inThisFile, run) = _bitmap.Run(within, length, (int)_metadata.LogicalSectorSize);
        return inThisFile ? DiskRun.Data(run, data + within) : DiskRun.ReadThrough(run, _parent, offset);
    }

    private long BlockOffset(long index, ulong entry, long length)
    {
        var offset = (long)(entry >> 20) * MiB;
        if (offset < VhdxRegions.HeaderSectionBytes || offset > File.Length - length)
            throw File.Corrupt(_bat.EntryOffset(index), $"BAT entry {index} places {length} bytes at {offset}, "
                + $"outside the file's data ({VhdxRegions.HeaderSectionBytes} to {File.Length})");
        return offset;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _bat.Dispose();
            _bitmap.Dispose();
        }
        base.Dispose(disposing);
    }
}
