using System.Buffers.Binary;

namespace RestoreAgents.DiskImages.Vhdx;

/// <summary>
/// The metadata items of a VHDX (MS-VHDX 2.6) a reader needs: block size, whether blocks stay allocated (a fixed
/// disk) or a parent exists (a differencing disk), virtual size, logical sector size, and the parent locator.
/// </summary>
internal sealed record VhdxMetadata(
    uint BlockSize,
    bool LeaveBlocksAllocated,
    bool HasParent,
    long VirtualSize,
    uint LogicalSectorSize,
    byte[]? ParentLocator,
    long ParentLocatorOffset,
    long FileParametersOffset,
    long VirtualSizeOffset)
{
    private const int TableBytes = 64 * 1024;
    private const int MaxEntries = 2047;
    private const int MaxParentLocatorBytes = 64 * 1024;
    private const uint IsRequired = 4;
    private static readonly Guid FileParameters = new("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
    private static readonly Guid VirtualDiskSize = new("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
    private static readonly Guid Page83Data = new("BECA12AB-B2E6-4523-93EF-C309E000C746");
    private static readonly Guid LogicalSector = new("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");
    private static readonly Guid PhysicalSector = new("CDA348C7-445D-4471-9CC9-E9885251C556");
    private static readonly Guid ParentLocatorItem = new("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");

    public static async Task<VhdxMetadata> ReadAsync(ImageFile file, VhdxRegion region, CancellationToken cancellationToken)
    {
        if (region.Length < TableBytes)
            throw file.Corrupt(region.EntryOffset, $"its metadata region of {region.Length} bytes cannot hold the 64 KiB table");
        var table = new byte[TableBytes];
        await file.ReadAsync(region.Offset, table, "the metadata table", cancellationToken).ConfigureAwait(false);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(table.AsSpan(10));
        if (!table.AsSpan().StartsWith("metadata"u8) || count > MaxEntries)
            throw file.Corrupt(region.Offset, "the metadata table has no 'metadata' signature or over 2047 entries");

        var items = new Dictionary<Guid, (long Offset, byte[] Bytes)>();
        for (var i = 0; i < count; i++)
        {
            var entry = table.AsSpan(32 + i * 32, 32);
            var entryOffset = region.Offset + 32 + i * 32;
            var id = new Guid(entry[..16]);
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(entry[16..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(entry[20..]);
            var flags = BinaryPrimitives.ReadUInt32LittleEndian(entry[24..]);
            if (id != FileParameters && id != VirtualDiskSize && id != LogicalSector && id != ParentLocatorItem)
            {
                if ((flags & IsRequired) != 0 && id != Page83Data && id != PhysicalSector)
                    throw file.Unsupported(entryOffset, $"it has a required metadata item {id} that backup does not know");
                continue;
            }
            if ((length > 0 && offset < TableBytes) || offset + (long)length > region.Length
                || length > MaxParentLocatorBytes)
                throw file.Corrupt(entryOffset, $"metadata item {id} ({length} bytes at {offset}) is not inside the "
                    + $"metadata region past its table, or is over {MaxParentLocatorBytes} bytes");
            var bytes = new byte[length];
            await file.ReadAsync(region.Offset + offset, bytes, $"metadata item {id}", cancellationToken).ConfigureAwait(false);
            items[id] = (region.Offset + offset, bytes);
        }

        var parameters = Item(file, region, items, FileParameters, "file parameters", 8);
        var size = Item(file, region, items, VirtualDiskSize, "virtual disk size", 8);
        var sector = Item(file, region, items, LogicalSector, "logical sector size", 4);
        var flagsValue = BinaryPrimitives.ReadUInt32LittleEndian(parameters.Bytes.AsSpan(4));
        items.TryGetValue(ParentLocatorItem, out var locator);
        return new VhdxMetadata(
            BinaryPrimitives.ReadUInt32LittleEndian(parameters.Bytes),
            (flagsValue & 1) != 0,
            (flagsValue & 2) != 0,
            (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(size.Bytes), long.MaxValue),
            BinaryPrimitives.ReadUInt32LittleEndian(sector.Bytes),
            locator.Bytes,
            locator.Offset,
            parameters.Offset,
            size.Offset);
    }

    private static (long Offset, byte[] Bytes) Item(ImageFile file, VhdxRegion region,
        Dictionary<Guid, (long Offset, byte[] Bytes)> items, Guid id, string name, int length) =>
        items.TryGetValue(id, out var item) && item.Bytes.Length >= length
            ? item
            : throw file.Corrupt(region.Offset, $"its metadata has no {name} item of {length} bytes");
}
