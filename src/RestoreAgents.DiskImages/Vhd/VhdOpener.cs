using RestoreAgents.Vhd;

namespace RestoreAgents.DiskImages.Vhd;

/// <summary>Reads a VHD's footer (the last 512 bytes) and opens the disk type it names.</summary>
internal static class VhdOpener
{
    private const uint DynamicDiskType = 3;
    private const uint DifferencingDiskType = 4;
    private const int CurrentSizeField = 48;
    private const int DiskTypeField = 60;

    public static async Task<DiskImage> OpenAsync(ImageFile file, byte[] footerBytes, ImageChain chain,
        CancellationToken cancellationToken)
    {
        var footerOffset = file.Length - VhdFooter.Size;
        VhdFooter footer;
        try
        {
            footer = VhdFooter.Parse(footerBytes);
        }
        catch (InvalidDataException e)
        {
            throw file.Corrupt(footerOffset, $"its VHD footer is damaged: {e.Message}");
        }
        if (footer.CurrentSize <= 0 || footer.CurrentSize % 512 != 0)
            throw file.Corrupt(footerOffset + CurrentSizeField,
                $"its VHD footer gives a disk size of {footer.CurrentSize} bytes, not a positive multiple of 512");
        if (footer.CurrentSize > DiskImageLimits.MaxVirtualSize)
            throw file.Unsupported(footerOffset + CurrentSizeField, $"its size of {footer.CurrentSize} bytes is over the "
                + $"limit of {DiskImageLimits.Describe(DiskImageLimits.MaxVirtualSize)} (DiskImageLimits.MaxVirtualSize)");

        switch (footer.DiskType)
        {
            case VhdFooter.FixedDiskType:
                if (footer.CurrentSize != footerOffset)
                    throw file.Corrupt(footerOffset + CurrentSizeField, $"it is a fixed VHD of {footer.CurrentSize} bytes "
                        + $"but holds {footerOffset} bytes before its footer: truncated or damaged");
                return new RawDiskImage(file, 0, footer.CurrentSize, "vhd-fixed", footer);
            case DynamicDiskType:
            case DifferencingDiskType:
                return await VhdDynamicImage.OpenAsync(file, footer, footerBytes, chain, cancellationToken)
                    .ConfigureAwait(false);
            default:
                throw file.Unsupported(footerOffset + DiskTypeField, $"its VHD disk type is {footer.DiskType}; "
                    + "backup reads fixed (2), dynamic (3) and differencing (4) VHDs");
        }
    }
}
