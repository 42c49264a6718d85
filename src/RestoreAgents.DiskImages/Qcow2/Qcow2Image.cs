namespace RestoreAgents.DiskImages.Qcow2;

/// <summary>
/// A qcow2 image, version 2 or 3: the L1 table points to L2 tables, whose entries give each cluster's place in the
/// file, mark it compressed (deflate or zstd) or all zeros, or leave it unallocated (read from the backing file,
/// or as zeros without one). Extended L2 entries split clusters into 32 subclusters.
/// </summary>
internal sealed class Qcow2Image : DiskImage
{
    private const ulong OffsetMask = 0x00FF_FFFF_FFFF_FE00;
    private const ulong CompressedBit = 1UL << 62;
    private const ulong ZeroBit = 1;
    private const int Subclusters = 32;

    private readonly Qcow2Header _header;
    private readonly ImageTable _l1;
    private readonly long _clusterSize;
    private readonly long _l2Entries;
    private readonly DiskImage? _backing;
    private ImageTable? _l2;
    private long _l2Offset;

    private Qcow2Image(ImageFile file, Qcow2Header header, ImageTable l1, long l2Entries, DiskImage? backing)
        : base(file, header.Size, backing is null ? null : [backing])
    {
        _header = header;
        _l1 = l1;
        _clusterSize = header.ClusterSize;
        _l2Entries = l2Entries;
        _backing = backing;
    }

    public override string Format => "qcow2";

    public static async Task<DiskImage> OpenAsync(ImageFile file, ImageChain chain, CancellationToken cancellationToken)
    {
        var header = await Qcow2Header.ReadAsync(file, cancellationToken).ConfigureAwait(false);
        var l2Entries = header.ClusterSize / (header.ExtendedL2 ? 16 : 8);
        var span = header.ClusterSize * (long)l2Entries;
        var needed = (header.Size + span - 1) / span;
        if (header.L1Size < needed)
            throw file.Corrupt(Qcow2Header.L1SizeField, $"its L1 table has {header.L1Size} entries, but a disk of "
                + $"{header.Size} bytes needs {needed}");
        if (header.L1TableOffset % header.ClusterSize != 0)
            throw file.Corrupt(40, $"its L1 table offset {header.L1TableOffset} is not aligned to a cluster");
        if (header.L1TableOffset > file.Length - needed * 8)
            throw file.Corrupt(40, $"its L1 table of {needed} entries at {header.L1TableOffset} runs past the end of "
                + $"the file ({file.Length} bytes)");
        var l1 = new ImageTable(file, header.L1TableOffset, needed, 8, bigEndian: true, "L1 table");
        if (header.BackingFile is not { } name) return new Qcow2Image(file, header, l1, l2Entries, null);

        DiskImage? backing = null;
        try
        {
            backing = await OpenBackingAsync(file, chain, name, header.BackingFormat, cancellationToken).ConfigureAwait(false);
            return new Qcow2Image(file, header, l1, l2Entries, backing);
        }
        catch
        {
            backing?.Dispose();
            l1.Dispose();
            throw;
        }
    }

    private static async Task<DiskImage> OpenBackingAsync(ImageFile file, ImageChain chain, string name, string? format,
        CancellationToken cancellationToken)
    {
        if (name.Contains("://", StringComparison.Ordinal) || name.StartsWith("json:", StringComparison.Ordinal))
            throw file.Unsupported(Qcow2Header.BackingFileField, $"its backing file '{name}' is not a local file");
        if (format is not (null or "raw" or "qcow2" or "vpc" or "vhdx" or "vmdk"))
            throw file.Unsupported(Qcow2Header.BackingFileField, $"its backing file '{name}' is of format '{format}', "
                + "which backup does not read");
        var backing = await chain.OpenReferencedAsync(file, Qcow2Header.BackingFileField, "backing file", [name],
            format == "raw" ? "raw" : null, cancellationToken).ConfigureAwait(false);
        var matches = format switch
        {
            "qcow2" => backing.Format == "qcow2",
            "vpc" => backing.Format.StartsWith("vhd-", StringComparison.Ordinal),
            "vhdx" => backing.Format.StartsWith("vhdx", StringComparison.Ordinal),
            "vmdk" => backing.Format.StartsWith("vmdk", StringComparison.Ordinal),
            _ => true,
        };
        if (matches) return backing;
        backing.Dispose();
        throw file.Corrupt(Qcow2Header.BackingFileField, $"its backing file '{name}' is {backing.Format}, "
            + $"but the image says it is {format}");
    }

    private protected override async ValueTask<DiskRun> MapAsync(long offset, long length,
        CancellationToken cancellationToken)
    {
        var (cluster, within, inCluster) = InUnit(offset, length, _clusterSize);
        var l1Index = cluster / _l2Entries;
        var l2Offset = (long)(await _l1.GetAsync(l1Index, cancellationToken).ConfigureAwait(false) & OffsetMask);
        if (l2Offset == 0)
        {
            // No L2 table: the whole stretch it would map is unallocated.
            var spanEnd = (l1Index + 1) * _l2Entries * _clusterSize;
            return DiskRun.ReadThrough(Math.Min(length, spanEnd - offset), _backing, offset);
        }
        var l2 = L2Table(l1Index, l2Offset);
        var l2Index = cluster % _l2Entries;
        var step = _header.ExtendedL2 ? 2 : 1;
        var entry = await l2.GetAsync(l2Index * step, cancellationToken).ConfigureAwait(false);
        length = inCluster;

        if ((entry & CompressedBit) != 0) return Compressed(l2, l2Index * step, entry, cluster, length);
        var host = (long)(entry & OffsetMask);
        if (!_header.ExtendedL2)
        {
            if (_header.Version >= 3 && (entry & ZeroBit) != 0) return DiskRun.Zero(length);
            return host == 0
                ? DiskRun.ReadThrough(length, _backing, offset)
                : Data(l2, l2Index, host, within, length);
        }

        var bitmap = await l2.GetAsync(l2Index * step + 1, cancellationToken).ConfigureAwait(false);
        // Each subcluster: bit i says allocated, bit 32 + i reads as zeros, neither is unallocated.
        var (status, runLength) = UnitRuns.Measure(within, length, _clusterSize / Subclusters, bitmap,
            static (bits, index) => (int)((bits >> (int)index) & 1) | (int)((bits >> (Subclusters + (int)index)) & 1) << 1);
        return status switch
        {
            1 => Data(l2, l2Index * step, host, within, runLength),
            0 => DiskRun.ReadThrough(runLength, _backing, offset),
            _ => DiskRun.Zero(runLength),
        };
    }

    private DiskRun Data(ImageTable l2, long entryIndex, long host, long within, long length)
    {
        if (host == 0 || host % _clusterSize != 0 || host >= File.Length)
            throw File.Corrupt(l2.EntryOffset(entryIndex), $"its L2 entry places a cluster at {host}, which is not a "
                + $"cluster-aligned offset inside the file ({File.Length} bytes)");
        // qemu may write a last cluster only as far as its data; the rest of it reads as zeros.
        if (host + within >= File.Length) return DiskRun.Zero(length);
        return DiskRun.Data(Math.Min(length, File.Length - host - within), host + within);
    }

    private DiskRun Compressed(ImageTable l2, long entryIndex, ulong entry, long cluster, long length)
    {
        var offsetBits = 62 - (_header.ClusterBits - 8);
        var host = (long)(entry & ((1UL << offsetBits) - 1));
        var sectors = (long)((entry >> offsetBits) & ((1UL << (62 - offsetBits)) - 1));
        if (host >= File.Length)
            throw File.Corrupt(l2.EntryOffset(entryIndex), $"its L2 entry places compressed cluster {cluster} at {host}, "
                + $"past the end of the file ({File.Length} bytes)");
        return DiskRun.Compressed(length, cluster * _clusterSize, (int)_clusterSize, host, (sectors + 1) * 512 - (host & 511));
    }

    private ImageTable L2Table(long l1Index, long l2Offset)
    {
        if (_l2 is not null && _l2Offset == l2Offset) return _l2;
        if (l2Offset % _clusterSize != 0 || l2Offset > File.Length - _clusterSize)
            throw File.Corrupt(_l1.EntryOffset(l1Index), $"L1 entry {l1Index} places an L2 table at {l2Offset}, "
                + $"which is not a cluster-aligned offset inside the file ({File.Length} bytes)");
        _l2?.Dispose();
        _l2 = null;
        _l2 = new ImageTable(File, l2Offset, _clusterSize / 8, 8, bigEndian: true, $"L2 table {l1Index}");
        _l2Offset = l2Offset;
        return _l2;
    }

    // The last compressed cluster may end in a sector the file does not hold.
    private protected override ValueTask DecompressAsync(DiskRun run, Memory<byte> unit, CancellationToken cancellationToken) =>
        CompressedUnit.ReadAsync(File, run.FileOffset, (int)Math.Min(run.CompressedLength, File.Length - run.FileOffset),
            _header.Compression, unit, (int)Math.Min(_clusterSize, Size - run.UnitStart), "the compressed cluster",
            cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _l1.Dispose();
            _l2?.Dispose();
            _l2 = null;
        }
        base.Dispose(disposing);
    }
}
