using System.Buffers.Binary;

namespace RestoreAgents.Testing;

/// <summary>
/// Damages test images the way disks and transfers do: cuts a file short, or points an allocation table entry
/// past the file's end. Finds the tables from the formats' specifications, not from the code under test.
/// </summary>
public static class ImageDamage
{
    private static readonly Guid VhdxBatRegion = new("2DC27766-F623-4200-9D64-115E9BFD4A08");

    /// <summary>Variants whose damage a reader can see when the file is cut in half. A fixed VHD cut short is a
    /// valid raw disk (its footer goes), and a raw disk has nothing to check.</summary>
    public static readonly IReadOnlyList<string> Truncatable = DiskImageVariants.All
        .Select(variant => variant.Name).Where(name => name is not ("raw" or "vhd-fixed")).ToList();

    /// <summary>Variants with an allocation table to damage in the image file itself.</summary>
    public static readonly IReadOnlyList<string> WithTables = Truncatable
        .Where(name => name is not ("vmdk-monolithic-flat" or "vmdk-2gb-sparse")).ToList();

    /// <summary>Cuts the file that holds the variant's data in half; returns that file.</summary>
    public static string Truncate(string variant, string image)
    {
        // A descriptor's data is in its extent file, which qemu-img names after it.
        var extent = variant switch { "vmdk-monolithic-flat" => "-flat.img", "vmdk-2gb-sparse" => "-s001.img", _ => null };
        var victim = extent is null
            ? image
            : Path.Combine(Path.GetDirectoryName(image)!, Path.GetFileNameWithoutExtension(image) + extent);
        using var file = new FileStream(victim, FileMode.Open, FileAccess.Write);
        file.SetLength(file.Length / 2 / 512 * 512);
        return victim;
    }

    /// <summary>Points the variant's first used allocation table entry past the end of the file; returns where the
    /// entry is in the file.</summary>
    public static long PointTablePastEnd(string variant, string image)
    {
        using var file = new FileStream(image, FileMode.Open, FileAccess.ReadWrite);
        if (variant.StartsWith("vhdx", StringComparison.Ordinal)) return VhdxBat(file);
        if (variant.StartsWith("vhd-", StringComparison.Ordinal)) return VhdBat(file);
        if (variant.StartsWith("vmdk-", StringComparison.Ordinal)) return VmdkGrainDirectory(file);
        if (variant.StartsWith("qcow2", StringComparison.Ordinal)) return Qcow2L1(file);
        throw new ArgumentException($"{variant} has no allocation table");
    }

    // VHD: the footer's data offset gives the dynamic header, whose table offset gives the BAT (big-endian).
    private static long VhdBat(FileStream file)
    {
        var header = (long)ReadUInt64(file, file.Length - 512 + 16, bigEndian: true);
        var bat = (long)ReadUInt64(file, header + 16, bigEndian: true);
        for (var at = bat; ; at += 4)
            if (ReadUInt32(file, at, bigEndian: true) != uint.MaxValue)
                return WriteUInt32(file, at, 0x7FFFFF00u, bigEndian: true);
    }

    // VHDX: the region table at 192 KiB lists the BAT region; its first fully present block gets a far offset.
    private static long VhdxBat(FileStream file)
    {
        long bat = 0;
        for (var entry = 192 * 1024 + 16L; bat == 0; entry += 32)
            if (new Guid(Read(file, entry, 16)) == VhdxBatRegion) bat = (long)ReadUInt64(file, entry + 16, bigEndian: false);
        for (var at = bat; ; at += 8)
            if ((ReadUInt64(file, at, bigEndian: false) & 7) == 6)
                return WriteUInt64(file, at, (1UL << 30 << 20) | 6, bigEndian: false);
    }

    // Sparse VMDK: the header's (or, when it says "at the end", the footer's) grain directory; entry 0 goes far.
    private static long VmdkGrainDirectory(FileStream file)
    {
        var directory = ReadUInt64(file, 56, bigEndian: false);
        if (directory == ulong.MaxValue) directory = ReadUInt64(file, file.Length - 1024 + 56, bigEndian: false);
        return WriteUInt32(file, (long)directory * 512, 0x7FFFFFFFu, bigEndian: false);
    }

    // qcow2: the L1 table's first entry gets an L2 table offset far past the end.
    private static long Qcow2L1(FileStream file)
    {
        var l1 = (long)ReadUInt64(file, 40, bigEndian: true);
        return WriteUInt64(file, l1, (1UL << 63) | (1UL << 50), bigEndian: true);
    }

    public static byte[] Read(FileStream file, long offset, int length)
    {
        var bytes = new byte[length];
        file.Position = offset;
        file.ReadExactly(bytes);
        return bytes;
    }

    public static long Write(FileStream file, long offset, byte[] bytes)
    {
        file.Position = offset;
        file.Write(bytes);
        return offset;
    }

    public static long WriteUInt32(FileStream file, long offset, uint value, bool bigEndian)
    {
        var bytes = new byte[4];
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return Write(file, offset, bytes);
    }

    public static long WriteUInt64(FileStream file, long offset, ulong value, bool bigEndian)
    {
        var bytes = new byte[8];
        if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        else BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return Write(file, offset, bytes);
    }

    public static ulong ReadUInt64(FileStream file, long offset, bool bigEndian) => bigEndian
        ? BinaryPrimitives.ReadUInt64BigEndian(Read(file, offset, 8))
        : BinaryPrimitives.ReadUInt64LittleEndian(Read(file, offset, 8));

    public static uint ReadUInt32(FileStream file, long offset, bool bigEndian) => bigEndian
        ? BinaryPrimitives.ReadUInt32BigEndian(Read(file, offset, 4))
        : BinaryPrimitives.ReadUInt32LittleEndian(Read(file, offset, 4));
}
