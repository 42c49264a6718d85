using System.Text;

namespace RestoreAgents.DiskImages.Vmdk;

/// <summary>
/// A VMDK described by a text descriptor file: its extents, in order, make the disk. A FLAT or VMFS extent is raw
/// bytes at an offset of its file (monolithicFlat, twoGbMaxExtentFlat); a SPARSE extent is a hosted sparse file; a
/// ZERO extent reads as zeros. Extent files are found relative to the descriptor.
/// </summary>
internal sealed class VmdkDescriptorImage : DiskImage
{
    private const int Sector = 512;

    private readonly string? _createType;
    private readonly long[] _starts;
    private readonly DiskImage?[] _extents;

    private VmdkDescriptorImage(ImageFile file, string? createType, long size, long[] starts, DiskImage?[] extents)
        : base(file, size, extents.OfType<DiskImage>().ToList())
    {
        _createType = createType;
        _starts = starts;
        _extents = extents;
    }

    public override string Format => _createType switch
    {
        "monolithicFlat" => "vmdk-monolithic-flat",
        "twoGbMaxExtentFlat" => "vmdk-2gb-flat",
        "twoGbMaxExtentSparse" => "vmdk-2gb-sparse",
        "vmfs" => "vmdk-vmfs",
        _ => "vmdk",
    };

    public static async Task<DiskImage> OpenAsync(ImageFile file, ImageChain chain, CancellationToken cancellationToken)
    {
        if (file.Length > DiskImageLimits.MaxDescriptorBytes)
            throw file.Unsupported(null, $"it reads as a VMDK descriptor of {file.Length} bytes, over the limit of "
                + $"{DiskImageLimits.Describe(DiskImageLimits.MaxDescriptorBytes)} (DiskImageLimits.MaxDescriptorBytes)");
        var bytes = new byte[file.Length];
        await file.ReadAsync(0, bytes, "the descriptor", cancellationToken).ConfigureAwait(false);
        var descriptor = VmdkDescriptor.Parse(file, 0, Encoding.UTF8.GetString(bytes));
        descriptor.RefuseParent(file);
        if (descriptor.Extents.Count == 0) throw file.Corrupt(0, "its descriptor lists no extents");

        var starts = new long[descriptor.Extents.Count];
        var extents = new DiskImage?[descriptor.Extents.Count];
        long size = 0;
        try
        {
            for (var i = 0; i < extents.Length; i++)
            {
                var extent = descriptor.Extents[i];
                if (extent.Sectors > (DiskImageLimits.MaxVirtualSize - size) / Sector)
                    throw file.Unsupported(extent.LineOffset, "its extents add up to over the limit of "
                        + $"{DiskImageLimits.Describe(DiskImageLimits.MaxVirtualSize)} (DiskImageLimits.MaxVirtualSize)");
                starts[i] = size;
                extents[i] = await OpenExtentAsync(file, chain, extent, cancellationToken).ConfigureAwait(false);
                size += extent.Sectors * Sector;
            }
            return new VmdkDescriptorImage(file, descriptor.CreateType, size, starts, extents);
        }
        catch
        {
            foreach (var extent in extents) extent?.Dispose();
            throw;
        }
    }

    private static async Task<DiskImage?> OpenExtentAsync(ImageFile file, ImageChain chain, VmdkExtent extent,
        CancellationToken cancellationToken)
    {
        if (extent.Access == "NOACCESS")
            throw file.Unsupported(extent.LineOffset, $"its extent '{extent.FileName}' is NOACCESS");
        if (extent.Type == "ZERO") return null;
        if (extent.Type is not ("FLAT" or "VMFS" or "SPARSE"))
            throw file.Unsupported(extent.LineOffset, $"its extent '{extent.FileName}' is of type {extent.Type}; backup "
                + "reads FLAT, VMFS, SPARSE and ZERO extents");

        var (path, _) = chain.Resolve(file, extent.LineOffset, "extent", [extent.FileName]);
        var extentFile = ImageFile.Open(path);
        try
        {
            if (extent.Type != "SPARSE")
            {
                if (extent.Offset > long.MaxValue / Sector)
                    throw file.Corrupt(extent.LineOffset, $"its extent offset {extent.Offset} is out of range");
                return new RawDiskImage(extentFile, extent.Offset * Sector, extent.Sectors * Sector, "vmdk-flat-extent");
            }
            var head = new byte[Sector];
            if (extentFile.Length < Sector) throw extentFile.Corrupt(0, "it is too short for a sparse VMDK extent");
            await extentFile.ReadAsync(0, head, "the sparse extent header", cancellationToken).ConfigureAwait(false);
            var sparse = await VmdkSparseImage.OpenAsync(extentFile, head, cancellationToken).ConfigureAwait(false);
            if (sparse.Size < extent.Sectors * Sector)
            {
                sparse.Dispose();
                throw file.Corrupt(extent.LineOffset, $"its extent '{extent.FileName}' holds {sparse.Size / Sector} "
                    + $"sectors, not the {extent.Sectors} the descriptor gives it");
            }
            return sparse;
        }
        catch
        {
            extentFile.Dispose();
            throw;
        }
    }

    private protected override ValueTask<DiskRun> MapAsync(long offset, long length, CancellationToken cancellationToken)
    {
        var index = Array.BinarySearch(_starts, offset);
        if (index < 0) index = ~index - 1;
        // Extents of no sectors share a start: the last of them holds the offset.
        while (index + 1 < _starts.Length && _starts[index + 1] <= offset) index++;
        var end = index + 1 < _starts.Length ? _starts[index + 1] : Size;
        return ValueTask.FromResult(DiskRun.ReadThrough(Math.Min(length, end - offset), _extents[index],
            offset - _starts[index]));
    }
}
