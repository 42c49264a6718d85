using System.Buffers;
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
    private byte[]? _bitmap;
    private long _bitmapBlock = -1;

    private VhdDynamicImage(ImageFile file, VhdFooter footer, ImageTable bat, int blockSize, DiskImage? parent)
        : base(file, footer.CurrentSize, parent is null ? null : [parent])
    {
        Footer = footer;
        _bat = bat;
        _blockSize = blockSize;
        _bitmapBytes = (blockSize / Sector / 8 + Sector - 1) / Sector * Sector;
        _parent = parent;
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

        DiskImage? parent = null;
        try
        {
            var names = await VhdParentNames.ReadAsync(file, header, cancellationToken).ConfigureAwait(false);
            parent = await chain.OpenReferencedAsync(file, at + VhdDynamicHeader.ParentUniqueIdField, "parent", names,
                null, cancellationToken).ConfigureAwait(false);
            var parentId = parent switch
            {
                VhdDynamicImage vhd => vhd.Footer.UniqueId,
                RawDiskImage { VhdFooter: { } fixedFooter } => fixedFooter.UniqueId,
                _ => throw file.Corrupt(at + VhdDynamicHeader.ParentUniqueIdField,
                    $"its parent '{parent.Path}' is a {parent.Format} image, not a VHD"),
            };
            if (parentId != header.ParentUniqueId)
                throw file.Corrupt(at + VhdDynamicHeader.ParentUniqueIdField, $"its parent '{parent.Path}' has unique id "
                    + $"{parentId}, but this disk was made from {header.ParentUniqueId}: the parent is another disk");
            return new VhdDynamicImage(file, footer, bat, (int)header.BlockSize, parent);
        }
        catch
        {
            parent?.Dispose();
            bat.Dispose();
            throw;
        }
    }

    private protected override async ValueTask<DiskRun> MapAsync(long offset, long length,
        CancellationToken cancellationToken)
    {
        var block = offset / _blockSize;
        var within = offset % _blockSize;
        length = Math.Min(length, _blockSize - within);
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

        await LoadBitmapAsync(block, bitmapStart, cancellationToken).ConfigureAwait(false);
        var present = InThisFile(within / Sector);
        var runEnd = (within / Sector + 1) * Sector;
        while (runEnd < within + length && InThisFile(runEnd / Sector) == present) runEnd += Sector;
        var runLength = Math.Min(runEnd, within + length) - within;
        return present ? DiskRun.Data(runLength, dataStart + within) : DiskRun.ReadThrough(runLength, _parent, offset);
    }

    // The bitmap's first byte's most significant bit is the block's first sector.
    private bool InThisFile(long sector) => (_bitmap![sector >> 3] & (0x80 >> (int)(sector & 7))) != 0;

    private async ValueTask LoadBitmapAsync(long block, long bitmapStart, CancellationToken cancellationToken)
    {
        if (_bitmapBlock == block) return;
        _bitmap ??= ArrayPool<byte>.Shared.Rent(_bitmapBytes);
        _bitmapBlock = -1;
        await File.ReadAsync(bitmapStart, _bitmap.AsMemory(0, _bitmapBytes), $"the sector bitmap of block {block}",
            cancellationToken).ConfigureAwait(false);
        _bitmapBlock = block;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _bat.Dispose();
            if (_bitmap is not null) ArrayPool<byte>.Shared.Return(_bitmap);
            _bitmap = null;
        }
        base.Dispose(disposing);
    }
}
