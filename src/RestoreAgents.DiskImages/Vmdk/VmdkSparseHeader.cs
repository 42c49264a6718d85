using System.Buffers.Binary;

namespace RestoreAgents.DiskImages.Vmdk;

/// <summary>The 512-byte header of a hosted sparse VMDK extent (VMware Virtual Disk Format 5.0), little-endian.
/// Sizes and offsets are in 512-byte sectors.</summary>
internal sealed record VmdkSparseHeader(
    uint Version,
    uint Flags,
    long Capacity,
    long GrainSize,
    long DescriptorOffset,
    long DescriptorSize,
    uint GrainTableEntries,
    ulong GrainDirectoryOffset,
    ushort CompressAlgorithm)
{
    public const int Size = 512;
    public const int GrainDirectoryField = 56;
    public const ulong GrainDirectoryAtEnd = ulong.MaxValue;
    public const uint ZeroGrainFlag = 1 << 2;
    public const uint CompressedFlag = 1 << 16;
    private const uint NewlineTestFlag = 1;

    public static ReadOnlySpan<byte> Magic => "KDMV"u8;

    public bool Compressed => (Flags & CompressedFlag) != 0;

    public static VmdkSparseHeader Parse(ImageFile file, long offset, ReadOnlySpan<byte> header)
    {
        if (header.Length < Size || !header.StartsWith(Magic))
            throw file.Corrupt(offset, "it has no sparse VMDK header ('KDMV')");
        var parsed = new VmdkSparseHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[8..]),
            (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(header[12..]), long.MaxValue),
            (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(header[20..]), long.MaxValue),
            (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(header[28..]), long.MaxValue),
            (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(header[36..]), long.MaxValue),
            BinaryPrimitives.ReadUInt32LittleEndian(header[44..]),
            BinaryPrimitives.ReadUInt64LittleEndian(header[GrainDirectoryField..]),
            BinaryPrimitives.ReadUInt16LittleEndian(header[77..]));

        if (parsed.Version is < 1 or > 3)
            throw file.Unsupported(offset + 4, $"its sparse VMDK version is {parsed.Version}; backup reads 1 to 3");
        if ((parsed.Flags & NewlineTestFlag) != 0 && !header.Slice(73, 4).SequenceEqual("\n \r\n"u8))
            throw file.Corrupt(offset + 73, "its newline test characters are changed: it went through a text-mode transfer");
        if (parsed.Compressed && parsed.CompressAlgorithm != 1)
            throw file.Unsupported(offset + 77, $"its grains are compressed with algorithm {parsed.CompressAlgorithm}; "
                + "backup reads deflate (1)");
        if (parsed.GrainSize < 1 || parsed.GrainSize > DiskImageLimits.MaxUnitBytes / 512 || !long.IsPow2(parsed.GrainSize))
            throw file.Corrupt(offset + 20, $"its grain of {parsed.GrainSize} sectors is not a power of two up to "
                + $"{DiskImageLimits.MaxUnitBytes / 512} sectors (DiskImageLimits.MaxUnitBytes)");
        if (parsed.GrainTableEntries is < 1 or > 65536)
            throw file.Corrupt(offset + 44, $"its grain tables of {parsed.GrainTableEntries} entries are not 1 to 65536 long");
        if (parsed.Capacity <= 0 || parsed.Capacity > DiskImageLimits.MaxVirtualSize / 512)
            throw file.Unsupported(offset + 12, $"its capacity of {parsed.Capacity} sectors is not between one sector and "
                + $"the limit of {DiskImageLimits.Describe(DiskImageLimits.MaxVirtualSize)} (DiskImageLimits.MaxVirtualSize)");
        return parsed;
    }
}
