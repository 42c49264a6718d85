namespace RestoreAgents.Vhd;

public enum DiskImageFormat { Raw, FixedVhd }

public sealed record DiskImageInfo(DiskImageFormat Format, long DiskSize);

/// <summary>An image in a format the backup does not read (convert it to raw first).</summary>
public sealed class UnsupportedDiskImageException(string message) : Exception(message);

/// <summary>An image whose own structures are damaged or cut short.</summary>
public sealed class CorruptDiskImageException(string message) : Exception(message);

/// <summary>Tells a raw disk from a fixed VHD, and refuses the formats the backup does not read.</summary>
public static class DiskImageInspector
{
    public static DiskImageInfo Inspect(string path)
    {
        using var file = File.OpenHandle(path);
        var length = RandomAccess.GetLength(file);
        if (length == 0) throw new CorruptDiskImageException($"disk image '{path}' is empty");

        Span<byte> head = stackalloc byte[512];
        var headLength = RandomAccess.Read(file, head, 0);
        Refuse(path, head[..headLength]);

        if (length >= VhdFooter.Size)
        {
            Span<byte> tail = stackalloc byte[VhdFooter.Size];
            RandomAccess.Read(file, tail, length - VhdFooter.Size);
            if (VhdFooter.HasCookie(tail))
            {
                VhdFooter footer;
                try { footer = VhdFooter.Parse(tail); }
                catch (InvalidDataException e)
                {
                    throw new CorruptDiskImageException($"disk image '{path}' has a damaged VHD footer: {e.Message}");
                }
                if (footer.DiskType != VhdFooter.FixedDiskType)
                    throw new UnsupportedDiskImageException(Convert(path, $"a VHD of disk type {footer.DiskType}"));
                if (footer.CurrentSize != length - VhdFooter.Size)
                    throw new CorruptDiskImageException(
                        $"disk image '{path}' is a fixed VHD of {footer.CurrentSize} bytes but holds {length - VhdFooter.Size}: truncated or damaged");
                return new DiskImageInfo(DiskImageFormat.FixedVhd, footer.CurrentSize);
            }
        }
        if (VhdFooter.HasCookie(head))
            throw new CorruptDiskImageException(
                $"disk image '{path}' starts with a VHD header but has no VHD footer at its end: truncated");
        return new DiskImageInfo(DiskImageFormat.Raw, length);
    }

    private static void Refuse(string path, ReadOnlySpan<byte> head)
    {
        string? format = null;
        if (head.StartsWith("vhdxfile"u8)) format = "VHDX";
        else if (head.StartsWith((ReadOnlySpan<byte>)[(byte)'Q', (byte)'F', (byte)'I', 0xfb])) format = "qcow2";
        else if (head.StartsWith("KDMV"u8) || head.StartsWith("# Disk DescriptorFile"u8)) format = "VMDK";
        if (format is not null) throw new UnsupportedDiskImageException(Convert(path, $"a {format} image"));
    }

    private static string Convert(string path, string what) =>
        $"disk image '{path}' is {what}; back up a raw disk or a fixed VHD (qemu-img convert -O raw '{path}' disk.raw)";
}
