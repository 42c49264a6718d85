using System.Buffers.Binary;
using RestoreAgents.Vhd;

namespace RestoreAgents.DiskImages.Vhd;

/// <summary>
/// A dynamic or differencing VHD: a block allocation table maps each block to a sector bitmap and its data; an
/// unallocated block reads as zeros (dynamic) or from the parent (differencing), and in a differencing disk the
/// bitmap says, sector by sector, which data is in this file (bit set) and which in the parent.
/// </summary>
internal sealed class VhdDynamicImage : DiskImage
{
    private const uint Unallocated = 0xFFFFFFFF;
    private const int Sector = 512;
    private const int MinBlockSize = 4096;
    private const int MaxBlockSize = 256 * 1024 * 1024;
    private const int DataOffsetField = 16;

    private readonly ImageTable _bat;
    private readonly int _blockSize;
    private readonly int _bitmapBytes;
    private readonly DiskImage? _parent;
    private readonly SectorBitmap _bitmap;

    private VhdDynamicImage(ImageFile file, VhdFooter footer, ImageTable bat, int blockSize, DiskImage? parent)
        : base(file, footer.CurrentSize, parent is null ? null : [parent])
    {
        Footer = footer;
        _bat = bat;
        _blockSize = blockSize;
        _bitmapBytes = (blockSize / Sector / 8 + Sector - 1) / Sector * Sector;
        _parent = parent;
        // The first byte's most significant bit is the block's first sector.
        _bitmap = new SectorBitmap(_bitmapBytes, mostSignificantBitFirst: true);
    }

    public VhdFooter Footer { get; }

    public override string Format => _parent is null ? "vhd-dynamic" : "vhd-differencing";

    public static async Task<DiskImage> OpenAsync(ImageFile file, VhdFooter footer, byte[] footerBytes,
        ImageChain chain, CancellationToken cancellationToken)
    {
        var footerOffset = file.Length - VhdFooter.Size;
        var headerOffset = BinaryPrimitives.ReadUInt64BigEndian(footerBytes.AsSpan(DataOffsetField));
        if (headerOffset > (ulong)(file.Length - VhdDynamicHeader.Size))
            throw file.Corrupt(footerOffset + DataOffsetField, $"the footer places the dynamic disk header at "
                + $"{headerOffset}, past the end of the file ({file.Length} bytes)");
        var bytes = new byte[VhdDynamicHeader.Size];
        await file.ReadAsync((long)headerOffset, bytes, "the dynamic disk header", cancellationToken).ConfigureAwait(false);
        var header = VhdDynamicHeader.Parse(file, (long)headerOffset, bytes);

        var at = (long)headerOffset;
        if (header.BlockSize is < MinBlockSize or > MaxBlockSize || !uint.IsPow2(header.BlockSize))
            throw file.Corrupt(at + VhdDynamicHeader.BlockSizeField,
                $"its block size {header.BlockSize} is not a power of two from 4 KiB to 256 MiB");
        var blocks = (footer.CurrentSize + header.BlockSize - 1) / header.BlockSize;
        if (header.MaxTableEntries < blocks)
            throw file.Corrupt(at + VhdDynamicHeader.MaxTableEntriesField, $"its BAT has {header.MaxTableEntries} entries "
                + $"but a disk of {footer.CurrentSize} bytes in blocks of {header.BlockSize} needs {blocks}");
        if (header.TableOffset > file.Length - blocks * 4)
            throw file.Corrupt(at + VhdDynamicHeader.TableOffsetField, $"its BAT of {blocks} entries at "
                + $"{header.TableOffset} runs past the end of the file ({file.Length} bytes)");
        var bat = new ImageTable(file, header.TableOffset, blocks, 4, bigEndian: true, "block allocation table (BAT)");
        if (footer.DiskType != 4) return new VhdDynamicImage(file, footer, bat, (int)header.BlockSize, null);

        try
        {
            var names = await VhdParentNames.ReadAsync(file, header, cancellationToken).ConfigureAwait(false);
            var parent = await chain.OpenParentAsync(file, at + VhdDynamicHeader.ParentUniqueIdField, names,
                candidate => candidate switch
                {
                    VhdDynamicImage vhd => Mismatch(vhd.Footer.UniqueId, header.ParentUniqueId),
                    RawDiskImage { VhdFooter: { } fixedFooter } => Mismatch(fixedFooter.UniqueId, header.ParentUniqueId),
                    _ => $"is a {candidate.Format} image, not a VHD",
                }, cancellationToken).ConfigureAwait(false);
            return new VhdDynamicImage(file, footer, bat, (int)header.BlockSize, parent);
        }
        catch
        {
            bat.Dispose();
            throw;
        }
    }

    private static string? Mismatch(Guid parentId, Guid expected) => parentId == expected
        ? null
        : $"has unique id {parentId}, but this disk was made from {expected}: the parent is another disk";

    private protected override async ValueTask<DiskRun> MapAsync(long offset, long length,
        CancellationToken cancellationToken)
    {
        (var block, var within, length) = InUnit(offset, length, _blockSize);
        var entry = await _bat.GetAsync(block, cancellationToken).ConfigureAwait(false);
        if (entry == Unallocated) return DiskRun.ReadThrough(length, _parent, offset);

        var bitmapStart = (long)entry * Sector;
        var dataStart = bitmapStart + _bitmapBytes;
        var needed = Math.Min(_blockSize, Size - block * _blockSize);
        if (dataStart + needed > File.Length - VhdFooter.Size)
            throw File.Corrupt(_bat.EntryOffset(block), $"BAT entry {block} places its block at {bitmapStart}, but the "
                + $"block's {_bitmapBytes + needed} bytes run past the last data before the footer ({File.Length - VhdFooter.Size})");
        // A dynamic disk's bitmap only repeats what the BAT says (qemu writes it all ones): its data is read as is.
        if (_parent is null) return DiskRun.Data(length, dataStart + within);

        await _bitmap.LoadAsync(File, block, bitmapStart, cancellationToken).ConfigureAwait(false);
        var (inThisFile, run) = _bitmap.Run(within, length, Sector);
        return inThisFile ? DiskRun.Data(run, dataStart + within) : DiskRun.ReadThrough(run, _parent, offset);
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
