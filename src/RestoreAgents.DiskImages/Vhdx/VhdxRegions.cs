using System.Buffers.Binary;

namespace RestoreAgents.DiskImages.Vhdx;

/// <summary>Where a VHDX region is: its offset and length in the file, and where the table entry naming it is.</summary>
internal readonly record struct VhdxRegion(long Offset, long Length, long EntryOffset);

/// <summary>
/// The header section of a VHDX (MS-VHDX 2.2), little-endian: of its two headers the valid one with the higher
/// sequence number is current; of its two region tables the first valid one gives the BAT and metadata regions.
/// Both are checked with CRC-32C.
/// </summary>
internal sealed record VhdxRegions(Guid DataWriteGuid, VhdxRegion Bat, VhdxRegion Metadata)
{
    public const int HeaderSectionBytes = 1024 * 1024;
    private const int HeaderBytes = 4096;
    private const int RegionTableBytes = 64 * 1024;
    private const int MaxRegionEntries = 2047;
    private static readonly long[] HeaderOffsets = [64 * 1024, 128 * 1024];
    private static readonly long[] RegionTableOffsets = [192 * 1024, 256 * 1024];
    private static readonly Guid BatRegion = new("2DC27766-F623-4200-9D64-115E9BFD4A08");
    private static readonly Guid MetadataRegion = new("8B7CA206-4790-4B9A-B8FE-575F050F886E");

    public static async Task<VhdxRegions> ReadAsync(ImageFile file, CancellationToken cancellationToken)
    {
        if (file.Length < HeaderSectionBytes)
            throw file.Corrupt(file.Length, $"it is a VHDX of {file.Length} bytes, shorter than its 1 MiB header section: truncated");

        var header = await CurrentHeaderAsync(file, cancellationToken).ConfigureAwait(false);
        var table = new byte[RegionTableBytes];
        foreach (var offset in RegionTableOffsets)
        {
            await file.ReadAsync(offset, table, "a region table", cancellationToken).ConfigureAwait(false);
            if (!table.AsSpan().StartsWith("regi"u8)
                || BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(4)) != Crc32C.ComputeWithFieldZeroed(table, 4)
                || BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(8)) > MaxRegionEntries)
                continue;
            return ParseRegions(file, offset, table, header);
        }
        throw file.Corrupt(RegionTableOffsets[0], $"neither VHDX region table (at {RegionTableOffsets[0]} and "
            + $"{RegionTableOffsets[1]}) has the 'regi' signature and a valid CRC-32C");
    }

    private static async Task<(long Offset, Guid DataWriteGuid)> CurrentHeaderAsync(ImageFile file,
        CancellationToken cancellationToken)
    {
        (long Offset, ulong Sequence, byte[] Bytes)? current = null;
        foreach (var offset in HeaderOffsets)
        {
            var bytes = new byte[HeaderBytes];
            await file.ReadAsync(offset, bytes, "a VHDX header", cancellationToken).ConfigureAwait(false);
            if (!bytes.AsSpan().StartsWith("head"u8)
                || BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)) != Crc32C.ComputeWithFieldZeroed(bytes, 4))
                continue;
            var sequence = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8));
            if (current is null || sequence > current.Value.Sequence) current = (offset, sequence, bytes);
        }
        if (current is not { } chosen)
            throw file.Corrupt(HeaderOffsets[0], $"neither VHDX header (at {HeaderOffsets[0]} and {HeaderOffsets[1]}) "
                + "has the 'head' signature and a valid CRC-32C");

        var version = BinaryPrimitives.ReadUInt16LittleEndian(chosen.Bytes.AsSpan(66));
        if (version != 1)
            throw file.Unsupported(chosen.Offset + 66, $"its VHDX header version is {version}; backup reads version 1");
        var log = new Guid(chosen.Bytes.AsSpan(48, 16));
        if (log != Guid.Empty)
            throw file.Unsupported(chosen.Offset + 48, $"its log holds changes not yet applied (log GUID {log}): "
                + "open it once in Hyper-V, or run qemu-img check -r all on it, then back it up");
        return (chosen.Offset, new Guid(chosen.Bytes.AsSpan(32, 16)));
    }

    private static VhdxRegions ParseRegions(ImageFile file, long tableOffset, byte[] table,
        (long Offset, Guid DataWriteGuid) header)
    {
        VhdxRegion? bat = null, metadata = null;
        var count = BinaryPrimitives.ReadInt32LittleEndian(table.AsSpan(8));
        for (var i = 0; i < count; i++)
        {
            var entry = table.AsSpan(16 + i * 32, 32);
            var entryOffset = tableOffset + 16 + i * 32;
            var id = new Guid(entry[..16]);
            var region = new VhdxRegion((long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]), long.MaxValue),
                BinaryPrimitives.ReadUInt32LittleEndian(entry[24..]), entryOffset);
            var required = (BinaryPrimitives.ReadUInt32LittleEndian(entry[28..]) & 1) != 0;
            if (id == BatRegion) bat = Checked(file, region, "BAT");
            else if (id == MetadataRegion) metadata = Checked(file, region, "metadata");
            else if (required)
                throw file.Unsupported(entryOffset, $"it has a required region {id} that backup does not know");
        }
        if (bat is null || metadata is null)
            throw file.Corrupt(tableOffset, $"its region table lists no {(bat is null ? "BAT" : "metadata")} region");
        return new VhdxRegions(header.DataWriteGuid, bat.Value, metadata.Value);
    }

    private static VhdxRegion Checked(ImageFile file, VhdxRegion region, string name)
    {
        if (region.Offset < HeaderSectionBytes || region.Offset > file.Length - region.Length)
            throw file.Corrupt(region.EntryOffset, $"its {name} region ({region.Length} bytes at {region.Offset}) is "
                + $"not inside the file ({file.Length} bytes) past the header section");
        return region;
    }
}
