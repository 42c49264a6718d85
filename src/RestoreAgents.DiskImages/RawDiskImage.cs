using RestoreAgents.Vhd;

namespace RestoreAgents.DiskImages;

/// <summary>
/// A disk stored byte for byte at an offset of a file: a raw image, a fixed VHD (before its footer), a VMDK flat
/// extent. Every byte counts as allocated: the format has no map to say otherwise.
/// </summary>
internal sealed class RawDiskImage : DiskImage
{
    private readonly long _dataOffset;

    public RawDiskImage(ImageFile file, long dataOffset, long size, string format, VhdFooter? vhdFooter = null)
        : base(file, size)
    {
        if (size > DiskImageLimits.MaxVirtualSize)
            throw file.Unsupported(null, $"its size of {size} bytes is over the limit of "
                + $"{DiskImageLimits.Describe(DiskImageLimits.MaxVirtualSize)} (DiskImageLimits.MaxVirtualSize)");
        if (dataOffset < 0 || size < 0 || dataOffset > file.Length - size)
            throw file.Corrupt(dataOffset, $"it should hold {size} bytes of disk here but the file has {file.Length} bytes");
        _dataOffset = dataOffset;
        Format = format;
        VhdFooter = vhdFooter;
    }

    public override string Format { get; }

    /// <summary>The footer of a fixed VHD, so a differencing child can check it is its parent.</summary>
    public VhdFooter? VhdFooter { get; }

    private protected override ValueTask<DiskRun> MapAsync(long offset, long length, CancellationToken cancellationToken) =>
        ValueTask.FromResult(DiskRun.Data(length, _dataOffset + offset));
}
