using System.Buffers.Binary;
using System.Text;

namespace RestoreAgents.Vhd;

/// <summary>The 512-byte footer of a VHD (Microsoft Virtual Hard Disk Image Format Specification), big-endian.</summary>
public readonly record struct VhdFooter(
    string CreatorApplication,
    long OriginalSize,
    long CurrentSize,
    VhdGeometry Geometry,
    uint DiskType,
    uint Checksum,
    Guid UniqueId,
    DateTimeOffset Timestamp)
{
    public const int Size = 512;
    public const uint FixedDiskType = 2;
    public static ReadOnlySpan<byte> Cookie => "conectix"u8;
    private static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>True when the bytes start with the VHD cookie (whether or not the rest is valid).</summary>
    public static bool HasCookie(ReadOnlySpan<byte> footer) => footer.Length >= 8 && footer[..8].SequenceEqual(Cookie);

    /// <summary>Parses a footer; throws <see cref="InvalidDataException"/> when the cookie or checksum is wrong.</summary>
    public static VhdFooter Parse(ReadOnlySpan<byte> footer)
    {
        if (footer.Length < Size || !HasCookie(footer))
            throw new InvalidDataException("no VHD footer cookie 'conectix'");
        var stored = BinaryPrimitives.ReadUInt32BigEndian(footer[64..]);
        var computed = ComputeChecksum(footer[..Size]);
        if (stored != computed)
            throw new InvalidDataException($"VHD footer checksum is 0x{stored:x8}, its bytes sum to 0x{computed:x8}");
        return new VhdFooter(
            Encoding.ASCII.GetString(footer.Slice(28, 4)),
            BinaryPrimitives.ReadInt64BigEndian(footer[40..]),
            BinaryPrimitives.ReadInt64BigEndian(footer[48..]),
            new VhdGeometry(BinaryPrimitives.ReadUInt16BigEndian(footer[56..]), footer[58], footer[59]),
            BinaryPrimitives.ReadUInt32BigEndian(footer[60..]),
            stored,
            new Guid(footer.Slice(68, 16), bigEndian: true),
            Epoch.AddSeconds(BinaryPrimitives.ReadUInt32BigEndian(footer[24..])));
    }

    /// <summary>One's complement of the byte sum, with the checksum field itself counted as zero.</summary>
    public static uint ComputeChecksum(ReadOnlySpan<byte> footer)
    {
        uint sum = 0;
        for (var i = 0; i < Size; i++)
            if (i is < 64 or >= 68) sum += footer[i];
        return ~sum;
    }

    internal static uint SecondsSinceEpoch(DateTimeOffset time) =>
        (uint)Math.Clamp((time - Epoch).TotalSeconds, 0, uint.MaxValue);
}
