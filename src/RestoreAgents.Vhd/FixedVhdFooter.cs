using System.Buffers.Binary;

namespace RestoreAgents.Vhd;

/// <summary>Writes the footer that turns a raw disk into a fixed VHD, the form Azure attaches as a VM disk.</summary>
public static class FixedVhdFooter
{
    // Hyper-V's creator application: Azure's own tooling writes it, and qemu-img trusts the current size for it
    // instead of rounding the size down to the CHS geometry.
    private static ReadOnlySpan<byte> CreatorApplication => "win "u8;

    public static byte[] Create(long diskSize, Guid uniqueId, DateTimeOffset timestamp)
    {
        var footer = new byte[VhdFooter.Size];
        Write(footer, diskSize, uniqueId, timestamp);
        return footer;
    }

    public static void Write(Span<byte> footer, long diskSize, Guid uniqueId, DateTimeOffset timestamp)
    {
        if (footer.Length < VhdFooter.Size) throw new ArgumentException("a VHD footer needs 512 bytes", nameof(footer));
        if (diskSize <= 0 || diskSize % 512 != 0)
            throw new ArgumentOutOfRangeException(nameof(diskSize), diskSize, "a fixed VHD's size is a positive multiple of 512");
        footer = footer[..VhdFooter.Size];
        footer.Clear();
        VhdFooter.Cookie.CopyTo(footer);
        BinaryPrimitives.WriteUInt32BigEndian(footer[8..], 2);                 // features: reserved bit set
        BinaryPrimitives.WriteUInt32BigEndian(footer[12..], 0x00010000);       // format version 1.0
        BinaryPrimitives.WriteUInt64BigEndian(footer[16..], ulong.MaxValue);   // data offset: none for fixed disks
        BinaryPrimitives.WriteUInt32BigEndian(footer[24..], VhdFooter.SecondsSinceEpoch(timestamp));
        CreatorApplication.CopyTo(footer[28..]);
        BinaryPrimitives.WriteUInt32BigEndian(footer[32..], 0x000a0000);       // creator version 10.0
        "Wi2k"u8.CopyTo(footer[36..]);                                         // creator host OS: Windows
        BinaryPrimitives.WriteInt64BigEndian(footer[40..], diskSize);
        BinaryPrimitives.WriteInt64BigEndian(footer[48..], diskSize);
        var geometry = VhdGeometry.FromSize(diskSize);
        BinaryPrimitives.WriteUInt16BigEndian(footer[56..], geometry.Cylinders);
        footer[58] = geometry.Heads;
        footer[59] = geometry.SectorsPerTrack;
        BinaryPrimitives.WriteUInt32BigEndian(footer[60..], VhdFooter.FixedDiskType);
        uniqueId.TryWriteBytes(footer.Slice(68, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt32BigEndian(footer[64..], VhdFooter.ComputeChecksum(footer));
    }
}
