using System.Buffers.Binary;
using RestoreAgents.DiskImages.Qcow2;
using RestoreAgents.DiskImages.Vhd;
using RestoreAgents.DiskImages.Vhdx;
using RestoreAgents.DiskImages.Vmdk;
using RestoreAgents.Vhd;

namespace RestoreAgents.DiskImages;

/// <summary>Opens a disk image of any supported format, told by its content, never by its file name.</summary>
public static class DiskImageReader
{
    private const int Sector = 512;
    private const uint VdiSignature = 0xbeda107f;

    /// <summary>
    /// Opens <paramref name="path"/> with its parents, backing files or extents. Throws
    /// <see cref="CorruptDiskImageException"/> or <see cref="UnsupportedDiskImageException"/>, naming the file and the
    /// offset, for an image it will not read.
    /// </summary>
    public static Task<DiskImage> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return OpenAsync(path, ImageChain.Start(path), null, cancellationToken);
    }

    internal static async Task<DiskImage> OpenAsync(string path, ImageChain chain, string? format,
        CancellationToken cancellationToken)
    {
        var file = ImageFile.Open(path);
        try
        {
            if (file.Length == 0) throw file.Corrupt(null, "it is empty");
            if (format == "raw") return new RawDiskImage(file, 0, file.Length, "raw");
            var head = new byte[(int)Math.Min(Sector, file.Length)];
            await file.ReadAsync(0, head, "the first sector", cancellationToken).ConfigureAwait(false);
            return await OpenDetectedAsync(file, head, chain, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static async Task<DiskImage> OpenDetectedAsync(ImageFile file, byte[] head, ImageChain chain,
        CancellationToken cancellationToken)
    {
        if (head.AsSpan().StartsWith(VhdxImage.Signature))
            return await VhdxImage.OpenAsync(file, chain, cancellationToken).ConfigureAwait(false);
        if (head.AsSpan().StartsWith(Qcow2Header.Magic))
            return await Qcow2Image.OpenAsync(file, chain, cancellationToken).ConfigureAwait(false);
        if (head.AsSpan().StartsWith(VmdkSparseHeader.Magic))
            return await VmdkSparseImage.OpenAsync(file, head, cancellationToken).ConfigureAwait(false);
        if (head.AsSpan().StartsWith(VmdkDescriptor.Signature))
            return await VmdkDescriptorImage.OpenAsync(file, chain, cancellationToken).ConfigureAwait(false);
        if (head.AsSpan().StartsWith("COWD"u8))
            throw file.Unsupported(0, "it is an ESX 2 (COWD) sparse VMDK; convert it: qemu-img convert -O raw");
        if (head.Length >= 68 && BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(64)) == VdiSignature)
            throw file.Unsupported(64, "it is a VirtualBox VDI image; convert it: qemu-img convert -O raw");

        if (file.Length >= VhdFooter.Size)
        {
            var tail = new byte[VhdFooter.Size];
            await file.ReadAsync(file.Length - VhdFooter.Size, tail, "the VHD footer", cancellationToken)
                .ConfigureAwait(false);
            if (VhdFooter.HasCookie(tail))
                return await VhdOpener.OpenAsync(file, tail, chain, cancellationToken).ConfigureAwait(false);
        }
        if (VhdFooter.HasCookie(head))
            throw file.Corrupt(file.Length - Math.Min(file.Length, VhdFooter.Size),
                "it starts with a VHD footer copy but has no VHD footer at its end: truncated");
        return new RawDiskImage(file, 0, file.Length, "raw");
    }
}
