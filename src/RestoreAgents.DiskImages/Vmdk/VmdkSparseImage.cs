using System.Buffers.Binary;
using System.Text;

namespace RestoreAgents.DiskImages.Vmdk;

/// <summary>
/// A hosted sparse VMDK extent, monolithic sparse or stream-optimized: a grain directory points to grain tables,
/// whose entries point to grains (0: unallocated, reads as zeros). A stream-optimized extent deflates each grain
/// behind a marker that repeats the grain's sector, and may keep its directory in a footer at the end.
/// </summary>
internal sealed class VmdkSparseImage : DiskImage
{
    private const int Sector = 512;
    private const int GrainMarkerBytes = 12;

    private readonly VmdkSparseHeader _header;
    private readonly ImageTable _directory;
    private readonly long _grainBytes;
    private ImageTable? _table;
    private ulong _tableEntry;

    private VmdkSparseImage(ImageFile file, VmdkSparseHeader header, ImageTable directory)
        : base(file, header.Capacity * Sector)
    {
        _header = header;
        _directory = directory;
        _grainBytes = header.GrainSize * Sector;
    }

    public override string Format => _header.Compressed ? "vmdk-stream-optimized" : "vmdk-monolithic-sparse";

    public static async Task<DiskImage> OpenAsync(ImageFile file, byte[] head, CancellationToken cancellationToken)
    {
        var header = VmdkSparseHeader.Parse(file, 0, head);
        await RefuseParentAsync(file, header, cancellationToken).ConfigureAwait(false);
        if (header.GrainDirectoryOffset == VmdkSparseHeader.GrainDirectoryAtEnd)
            header = await FooterAsync(file, cancellationToken).ConfigureAwait(false);

        var coverage = header.GrainSize * header.GrainTableEntries;
        var tables = (header.Capacity + coverage - 1) / coverage;
        var lastStart = file.Length - tables * 4;
        var directoryOffset = lastStart < 0 || header.GrainDirectoryOffset > (ulong)(lastStart / Sector)
            ? throw file.Corrupt(VmdkSparseHeader.GrainDirectoryField, $"its grain directory of {tables} entries at "
                + $"sector {header.GrainDirectoryOffset} runs past the end of the file ({file.Length} bytes)")
            : (long)header.GrainDirectoryOffset * Sector;
        return new VmdkSparseImage(file, header,
            new ImageTable(file, directoryOffset, tables, 4, bigEndian: false, "grain directory"));
    }

    // A stream-optimized file may be written before its directory is known: the header then says "at the end",
    // and a copy of it with the real offset sits just before the end-of-stream marker.
    private static async Task<VmdkSparseHeader> FooterAsync(ImageFile file, CancellationToken cancellationToken)
    {
        var at = file.Length - 2 * Sector;
        var footer = new byte[VmdkSparseHeader.Size];
        if (at < Sector)
            throw file.Corrupt(file.Length, "its header puts the grain directory in a footer, but the file is too short to have one");
        await file.ReadAsync(at, footer, "the footer", cancellationToken).ConfigureAwait(false);
        if (!footer.AsSpan().StartsWith(VmdkSparseHeader.Magic))
            throw file.Corrupt(at, "its header puts the grain directory in a footer, but none precedes the "
                + "end-of-stream marker: truncated");
        var parsed = VmdkSparseHeader.Parse(file, at, footer);
        return parsed.GrainDirectoryOffset != VmdkSparseHeader.GrainDirectoryAtEnd
            ? parsed
            : throw file.Corrupt(at + VmdkSparseHeader.GrainDirectoryField, "its footer does not place the grain directory either");
    }

    private static async Task RefuseParentAsync(ImageFile file, VmdkSparseHeader header,
        CancellationToken cancellationToken)
    {
        if (header.DescriptorOffset <= 0 || header.DescriptorSize <= 0) return;
        var length = (int)Math.Min(header.DescriptorSize, DiskImageLimits.MaxDescriptorBytes / Sector) * Sector;
        var offset = header.DescriptorOffset > file.Length / Sector ? file.Length : header.DescriptorOffset * Sector;
        if (offset > file.Length - length)
            throw file.Corrupt(28, $"its embedded descriptor ({length} bytes at {offset}) runs past the end of the file");
        var bytes = new byte[length];
        await file.ReadAsync(offset, bytes, "the embedded descriptor", cancellationToken).ConfigureAwait(false);
        var descriptor = VmdkDescriptor.Parse(file, offset, Encoding.UTF8.GetString(bytes));
        descriptor.RefuseParent(file);
    }

    private protected override async ValueTask<DiskRun> MapAsync(long offset, long length,
        CancellationToken cancellationToken)
    {
        (var grain, var within, length) = InUnit(offset, length, _grainBytes);
        var tableIndex = grain / _header.GrainTableEntries;
        var tableEntry = await _directory.GetAsync(tableIndex, cancellationToken).ConfigureAwait(false);
        if (tableEntry == 0) return DiskRun.Zero(length);
        if (_table is null || _tableEntry != tableEntry)
        {
            var tableBytes = _header.GrainTableEntries * 4L;
            if (File.Length < tableBytes || tableEntry > (ulong)((File.Length - tableBytes) / Sector))
                throw File.Corrupt(_directory.EntryOffset(tableIndex), $"grain directory entry {tableIndex} places its "
                    + $"grain table at sector {tableEntry}, past the end of the file ({File.Length} bytes)");
            _table?.Dispose();
            _table = null;
            _table = new ImageTable(File, (long)tableEntry * Sector, _header.GrainTableEntries, 4, bigEndian: false,
                $"grain table {tableIndex}");
            _tableEntry = tableEntry;
        }
        var grainSector = (long)await _table.GetAsync(grain % _header.GrainTableEntries, cancellationToken).ConfigureAwait(false);
        if (grainSector == 0 || (grainSector == 1 && (_header.Flags & VmdkSparseHeader.ZeroGrainFlag) != 0))
            return DiskRun.Zero(length);
        var grainOffset = grainSector * Sector;
        if (_header.Compressed)
            return DiskRun.Compressed(length, grain * _grainBytes, (int)_grainBytes, grainOffset, 0);
        var needed = Math.Min(_grainBytes, Size - grain * _grainBytes);
        if (grainOffset > File.Length - needed)
            throw File.Corrupt(_table.EntryOffset(grain % _header.GrainTableEntries), $"grain {grain} is placed at "
                + $"{grainOffset}, and its {needed} bytes run past the end of the file ({File.Length} bytes)");
        return DiskRun.Data(length, grainOffset + within);
    }

    private protected override async ValueTask DecompressAsync(DiskRun run, Memory<byte> unit,
        CancellationToken cancellationToken)
    {
        var marker = new byte[GrainMarkerBytes];
        await File.ReadAsync(run.FileOffset, marker, "a compressed grain's marker", cancellationToken).ConfigureAwait(false);
        var sector = BinaryPrimitives.ReadUInt64LittleEndian(marker);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(marker.AsSpan(8));
        if (sector != (ulong)(run.UnitStart / Sector))
            throw File.Corrupt(run.FileOffset, $"the grain here says it holds sector {sector}, but the grain table maps "
                + $"it to sector {run.UnitStart / Sector}");
        if (length == 0 || length > 2 * _grainBytes + 4096)
            throw File.Corrupt(run.FileOffset + 8, $"the compressed grain claims {length} bytes for a grain of {_grainBytes}");

        await CompressedUnit.ReadAsync(File, run.FileOffset + GrainMarkerBytes, (int)length, CompressionKind.Zlib, unit,
            (int)Math.Min(_grainBytes, Size - run.UnitStart), "the compressed grain", cancellationToken).ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _directory.Dispose();
            _table?.Dispose();
            _table = null;
        }
        base.Dispose(disposing);
    }
}
