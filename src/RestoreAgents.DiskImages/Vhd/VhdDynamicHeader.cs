using System.Buffers.Binary;
using System.Text;

namespace RestoreAgents.DiskImages.Vhd;

/// <summary>One parent locator of a differencing VHD: a platform code and where its path is in the file.</summary>
internal readonly record struct VhdParentLocator(string PlatformCode, int DataLength, long DataOffset, long EntryOffset);

/// <summary>The 1024-byte dynamic disk header of a dynamic or differencing VHD (VHD specification), big-endian.</summary>
internal sealed record VhdDynamicHeader(
    long TableOffset,
    uint MaxTableEntries,
    uint BlockSize,
    Guid ParentUniqueId,
    string ParentName,
    IReadOnlyList<VhdParentLocator> ParentLocators)
{
    public const int Size = 1024;
    public const int TableOffsetField = 16;
    public const int MaxTableEntriesField = 28;
    public const int BlockSizeField = 32;
    public const int ParentUniqueIdField = 40;
    private const int ChecksumField = 36;
    private const int ParentNameField = 64;
    private const int ParentNameBytes = 512;
    private const int LocatorsField = 576;
    private const int LocatorSize = 24;
    private const int LocatorCount = 8;

    public static VhdDynamicHeader Parse(ImageFile file, long offset, ReadOnlySpan<byte> header)
    {
        if (!header.StartsWith("cxsparse"u8))
            throw file.Corrupt(offset, "the dynamic disk header has no 'cxsparse' cookie");
        var stored = BinaryPrimitives.ReadUInt32BigEndian(header[ChecksumField..]);
        uint sum = 0;
        for (var i = 0; i < Size; i++)
            if (i is < ChecksumField or >= ChecksumField + 4) sum += header[i];
        if (stored != ~sum)
            throw file.Corrupt(offset + ChecksumField,
                $"the dynamic disk header's checksum is 0x{stored:x8}, its bytes sum to 0x{~sum:x8}");

        var locators = new List<VhdParentLocator>();
        for (var i = 0; i < LocatorCount; i++)
        {
            var entry = header.Slice(LocatorsField + i * LocatorSize, LocatorSize);
            if (BinaryPrimitives.ReadUInt32BigEndian(entry) == 0) continue;
            locators.Add(new VhdParentLocator(Encoding.ASCII.GetString(entry[..4]),
                (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(entry[8..]), int.MaxValue),
                (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(entry[16..]), long.MaxValue),
                offset + LocatorsField + i * LocatorSize));
        }
        return new VhdDynamicHeader(
            (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(header[TableOffsetField..]), long.MaxValue),
            BinaryPrimitives.ReadUInt32BigEndian(header[MaxTableEntriesField..]),
            BinaryPrimitives.ReadUInt32BigEndian(header[BlockSizeField..]),
            new Guid(header.Slice(ParentUniqueIdField, 16), bigEndian: true),
            UntilNul(Encoding.BigEndianUnicode.GetString(header.Slice(ParentNameField, ParentNameBytes))),
            locators);
    }

    public static string UntilNul(string text) => text.IndexOf('\0') is var nul and >= 0 ? text[..nul] : text;
}
