using System.Buffers.Binary;
using System.Text;

namespace RestoreAgents.DiskImages.Qcow2;

/// <summary>
/// The header of a qcow2 image (qemu's docs/interop/qcow2.txt), big-endian, with the header extensions a reader
/// needs: the backing file's format and whether an external data file is used.
/// </summary>
internal sealed record Qcow2Header(
    uint Version,
    int ClusterBits,
    long Size,
    uint L1Size,
    long L1TableOffset,
    ulong IncompatibleFeatures,
    CompressionKind Compression,
    string? BackingFile,
    string? BackingFormat)
{
    public const ulong DirtyBit = 1, CorruptBit = 2, ExternalDataBit = 4, CompressionTypeBit = 8, ExtendedL2Bit = 16;
    public const int L1SizeField = 36;
    public const int BackingFileField = 8;
    private const int Version2Length = 72;
    private const int Version3MinLength = 104;
    private const uint BackingFormatExtension = 0xe2792aca;
    private const uint ExternalDataExtension = 0x44415441;
    private const int MaxBackingName = 1023;

    public static ReadOnlySpan<byte> Magic => [(byte)'Q', (byte)'F', (byte)'I', 0xfb];

    public bool ExtendedL2 => (IncompatibleFeatures & ExtendedL2Bit) != 0;

    public int ClusterSize => 1 << ClusterBits;

    public static async Task<Qcow2Header> ReadAsync(ImageFile file, CancellationToken cancellationToken)
    {
        if (file.Length < Version2Length)
            throw file.Corrupt(file.Length, $"it is a qcow2 image of {file.Length} bytes, shorter than its header: truncated");
        var header = new byte[Version3MinLength];
        await file.ReadAsync(0, header.AsMemory(0, (int)Math.Min(Version3MinLength, file.Length)), "the qcow2 header",
            cancellationToken).ConfigureAwait(false);
        uint U32(int at) => BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(at));
        ulong U64(int at) => BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(at));

        var version = U32(4);
        if (version is not (2 or 3))
            throw file.Unsupported(4, $"it is a qcow image of version {version}; backup reads qcow2 versions 2 and 3");
        var clusterBits = (int)Math.Min(U32(20), 64);
        if (clusterBits is < 9 or > 21)
            throw file.Corrupt(20, $"its cluster_bits {clusterBits} is not 9 to 21 (512 bytes to 2 MiB clusters)");
        var size = U64(24);
        if (size > DiskImageLimits.MaxVirtualSize)
            throw file.Unsupported(24, $"its size of {size} bytes is over the limit of "
                + $"{DiskImageLimits.Describe(DiskImageLimits.MaxVirtualSize)} (DiskImageLimits.MaxVirtualSize)");
        if (U32(32) is var encryption and not 0)
            throw file.Unsupported(32, $"it is encrypted (crypt_method {encryption}); decrypt it with qemu-img convert first");

        ulong incompatible = 0;
        var headerLength = Version2Length;
        var compression = CompressionKind.Deflate;
        if (version == 3)
        {
            if (file.Length < Version3MinLength)
                throw file.Corrupt(file.Length, $"it is a qcow2 v3 image of {file.Length} bytes, shorter than its header");
            incompatible = U64(72);
            headerLength = (int)Math.Min(U32(100), int.MaxValue);
            if (headerLength < Version3MinLength || headerLength % 8 != 0 || headerLength > 1 << clusterBits)
                throw file.Corrupt(100, $"its header_length {headerLength} is not a multiple of 8 from 104 to a cluster");
            CheckFeatures(file, incompatible);
            if (headerLength > Version3MinLength)
            {
                var type = new byte[1];
                await file.ReadAsync(Version3MinLength, type, "the compression type", cancellationToken).ConfigureAwait(false);
                compression = type[0] switch
                {
                    0 => CompressionKind.Deflate,
                    1 => CompressionKind.Zstd,
                    _ => throw file.Unsupported(Version3MinLength, $"its compression type is {type[0]}; backup reads zlib and zstd"),
                };
            }
        }

        var (backingFormat, externalData) = await ReadExtensionsAsync(file, headerLength, 1 << clusterBits, cancellationToken)
            .ConfigureAwait(false);
        if (externalData is not null || (incompatible & ExternalDataBit) != 0)
            throw file.Unsupported(72, $"it keeps its data in an external file ('{externalData}'), which backup does not read");
        var backingFile = await ReadBackingFileAsync(file, U64(BackingFileField), U32(16), cancellationToken)
            .ConfigureAwait(false);
        return new Qcow2Header(version, clusterBits, (long)size, U32(L1SizeField), (long)Math.Min(U64(40), long.MaxValue),
            incompatible, compression, backingFile, backingFormat);
    }

    private static void CheckFeatures(ImageFile file, ulong incompatible)
    {
        if ((incompatible & CorruptBit) != 0)
            throw file.Corrupt(72, "qemu marked it corrupt (incompatible feature bit 1); repair it with qemu-img check -r all");
        var unknown = incompatible & ~(DirtyBit | CorruptBit | ExternalDataBit | CompressionTypeBit | ExtendedL2Bit);
        if (unknown != 0)
            throw file.Unsupported(72, $"it uses incompatible features 0x{unknown:x} that backup does not know");
    }

    private static async Task<(string? BackingFormat, string? ExternalData)> ReadExtensionsAsync(ImageFile file,
        int start, int clusterSize, CancellationToken cancellationToken)
    {
        // The extensions live in the first cluster, after the header.
        var end = (int)Math.Min(clusterSize, file.Length);
        var area = new byte[Math.Max(0, end - start)];
        await file.ReadAsync(start, area, "the header extensions", cancellationToken).ConfigureAwait(false);
        string? backingFormat = null, externalData = null;
        for (var at = 0; at + 8 <= area.Length;)
        {
            var type = BinaryPrimitives.ReadUInt32BigEndian(area.AsSpan(at));
            var length = BinaryPrimitives.ReadUInt32BigEndian(area.AsSpan(at + 4));
            if (type == 0) break;
            if (length > area.Length - at - 8)
                throw file.Corrupt(start + at, $"header extension 0x{type:x8} claims {length} bytes past the first cluster");
            var data = Encoding.UTF8.GetString(area, at + 8, (int)length);
            if (type == BackingFormatExtension) backingFormat = data;
            else if (type == ExternalDataExtension) externalData = data;
            at += 8 + (int)((length + 7) & ~7u);
        }
        return (backingFormat, externalData);
    }

    private static async Task<string?> ReadBackingFileAsync(ImageFile file, ulong offset, uint length,
        CancellationToken cancellationToken)
    {
        if (offset == 0) return null;
        if (length is 0 or > MaxBackingName)
            throw file.Corrupt(16, $"its backing file name of {length} bytes is not 1 to {MaxBackingName} bytes long");
        if (offset > (ulong)file.Length)
            throw file.Corrupt(BackingFileField, $"its backing file name is at {offset}, past the end of the file");
        var name = new byte[length];
        await file.ReadAsync((long)offset, name, "the backing file name", cancellationToken).ConfigureAwait(false);
        return Encoding.UTF8.GetString(name);
    }
}
