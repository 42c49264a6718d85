using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace RestoreAgents.Testing;

/// <summary>
/// Writes a differencing VHDX over a parent VHDX, as Hyper-V makes them (qemu-img cannot), following MS-VHDX: two
/// headers and two region tables with CRC-32C, a metadata region whose parent locator gives the parent's data write
/// GUID and a relative path, 1 MiB blocks, and one sector bitmap block (bit 0 of byte 0 first) that marks the
/// written sectors as this file's. A block the writes cover whole is fully present; the others partially.
/// </summary>
public static class DifferencingVhdxWriter
{
    private const int Sector = 512;
    private const int MiB = 1024 * 1024;
    private const int BlockSize = MiB;
    private const long ChunkRatio = (1L << 23) * Sector / BlockSize;
    private const long LogOffset = MiB, MetadataOffset = 2 * MiB, BatOffset = 3 * MiB, DataOffset = 4 * MiB;

    public static async Task CreateAsync(string path, string parentPath, IEnumerable<(long Offset, int Length, byte Fill)> writes)
    {
        var (parentSize, parentDataWrite) = await ReadParentAsync(parentPath);
        var blocks = (parentSize + BlockSize - 1) / BlockSize;
        var chunks = (blocks + ChunkRatio - 1) / ChunkRatio;
        var data = new SortedDictionary<long, byte[]>();
        var bitmaps = new byte[chunks][];
        foreach (var (offset, length, fill) in writes)
            for (var at = offset; at < offset + length; at += Sector)
            {
                var block = at / BlockSize;
                if (!data.TryGetValue(block, out var bytes)) data[block] = bytes = new byte[BlockSize];
                bytes.AsSpan((int)(at % BlockSize), Sector).Fill(fill);
                var chunk = block / ChunkRatio;
                var sector = block % ChunkRatio * (BlockSize / Sector) + at % BlockSize / Sector;
                (bitmaps[chunk] ??= new byte[MiB])[sector / 8] |= (byte)(1 << (int)(sector % 8));
            }

        var bat = new byte[chunks * (ChunkRatio + 1) * 8];
        var next = DataOffset;
        foreach (var (block, _) in data)
        {
            var whole = BlockBits(bitmaps[block / ChunkRatio], block).All(bit => bit);
            SetEntry(bat, block + block / ChunkRatio, next, whole ? 6 : 7);
            next += BlockSize;
        }
        var bitmapOffsets = new long[chunks];
        for (var chunk = 0; chunk < chunks; chunk++)
            if (bitmaps[chunk] is not null)
            {
                SetEntry(bat, chunk * (ChunkRatio + 1) + ChunkRatio, next, 6);
                bitmapOffsets[chunk] = next;
                next += MiB;
            }

        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        file.SetLength(next);
        Put(file, 0, [.. "vhdxfile"u8, .. Encoding.Unicode.GetBytes("RestoreAgents tests")]);
        var dataWrite = Guid.NewGuid();
        Put(file, 64 * 1024, Header(1, dataWrite));
        Put(file, 128 * 1024, Header(2, dataWrite));
        Put(file, 192 * 1024, RegionTable());
        Put(file, 256 * 1024, RegionTable());
        Put(file, MetadataOffset, Metadata(parentSize, parentDataWrite, Path.GetFileName(parentPath)));
        Put(file, BatOffset, bat);
        var blockOffset = DataOffset;
        foreach (var bytes in data.Values)
        {
            Put(file, blockOffset, bytes);
            blockOffset += BlockSize;
        }
        for (var chunk = 0; chunk < chunks; chunk++)
            if (bitmaps[chunk] is { } bitmap) Put(file, bitmapOffsets[chunk], bitmap);
    }

    private static IEnumerable<bool> BlockBits(byte[] bitmap, long block)
    {
        var first = block % ChunkRatio * (BlockSize / Sector);
        for (var sector = first; sector < first + BlockSize / Sector; sector++)
            yield return (bitmap[sector / 8] & (1 << (int)(sector % 8))) != 0;
    }

    private static void SetEntry(byte[] bat, long index, long offset, int state) =>
        BinaryPrimitives.WriteUInt64LittleEndian(bat.AsSpan((int)(index * 8)), (ulong)(offset / MiB) << 20 | (uint)state);

    // The parent's virtual size as qemu-img reads it; its data write GUID from its current header.
    private static async Task<(long Size, Guid DataWrite)> ReadParentAsync(string parentPath)
    {
        var bytes = await File.ReadAllBytesAsync(parentPath);
        var current = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(64 * 1024 + 8))
                      >= BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(128 * 1024 + 8)) ? 64 * 1024 : 128 * 1024;
        var info = await QemuImg.InfoAsync(parentPath, "vhdx");
        return (info.GetProperty("virtual-size").GetInt64(), new Guid(bytes.AsSpan(current + 32, 16)));
    }

    private static byte[] Header(ulong sequence, Guid dataWrite)
    {
        var header = new byte[4096];
        "head"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(8), sequence);
        Guid.NewGuid().TryWriteBytes(header.AsSpan(16));                        // file write GUID
        dataWrite.TryWriteBytes(header.AsSpan(32));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(66), 1);         // version; log GUID stays empty
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(68), MiB);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(72), LogOffset);
        return WithCrc(header);
    }

    private static byte[] RegionTable()
    {
        var table = new byte[64 * 1024];
        "regi"u8.CopyTo(table);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(8), 2);
        Region(table, 16, new Guid("2DC27766-F623-4200-9D64-115E9BFD4A08"), BatOffset);
        Region(table, 48, new Guid("8B7CA206-4790-4B9A-B8FE-575F050F886E"), MetadataOffset);
        return WithCrc(table);
    }

    private static void Region(byte[] table, int at, Guid id, long offset)
    {
        id.TryWriteBytes(table.AsSpan(at));
        BinaryPrimitives.WriteUInt64LittleEndian(table.AsSpan(at + 16), (ulong)offset);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(at + 24), MiB);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(at + 28), 1);     // required
    }

    private static byte[] Metadata(long size, Guid parentDataWrite, string parentName)
    {
        var region = new byte[MiB];
        "metadata"u8.CopyTo(region);
        var items = new List<(Guid Id, byte[] Bytes, uint Flags)>
        {
            (new Guid("CAA16737-FA36-4D43-B3B6-33F0AA44E76B"), [.. Le32(BlockSize), .. Le32(2)], 4),     // has a parent
            (new Guid("2FA54224-CD1B-4876-B211-5DBED83BF4B8"), [.. Le32((uint)size), .. Le32((uint)(size >> 32))], 6),
            (new Guid("8141BF1D-A96F-4709-BA47-F233A8FAAB5F"), Le32(Sector), 6),
            (new Guid("CDA348C7-445D-4471-9CC9-E9885251C556"), Le32(4096), 6),
            (new Guid("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C"), ParentLocator(parentDataWrite, parentName), 4),
        };
        BinaryPrimitives.WriteUInt16LittleEndian(region.AsSpan(10), (ushort)items.Count);
        var next = 64 * 1024;
        for (var i = 0; i < items.Count; i++)
        {
            var entry = region.AsSpan(32 + i * 32);
            items[i].Id.TryWriteBytes(entry);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[16..], (uint)next);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[20..], (uint)items[i].Bytes.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[24..], items[i].Flags);
            items[i].Bytes.CopyTo(region, next);
            next += (items[i].Bytes.Length + 7) / 8 * 8;
        }
        return region;
    }

    private static byte[] ParentLocator(Guid parentDataWrite, string parentName)
    {
        var pairs = new[] { ("parent_linkage", parentDataWrite.ToString("B")), ("relative_path", @".\" + parentName) };
        var locator = new List<byte>();
        locator.AddRange(new Guid("B04AEFB7-D19E-4A81-B789-25B8E9445913").ToByteArray());
        locator.AddRange([0, 0, (byte)pairs.Length, 0]);
        var strings = new List<byte>();
        var stringsStart = 20 + pairs.Length * 12;
        foreach (var (key, value) in pairs)
        {
            var keyBytes = Encoding.Unicode.GetBytes(key);
            var valueBytes = Encoding.Unicode.GetBytes(value);
            locator.AddRange(Le32((uint)(stringsStart + strings.Count)));
            locator.AddRange(Le32((uint)(stringsStart + strings.Count + keyBytes.Length)));
            locator.AddRange([(byte)keyBytes.Length, (byte)(keyBytes.Length >> 8)]);
            locator.AddRange([(byte)valueBytes.Length, (byte)(valueBytes.Length >> 8)]);
            strings.AddRange(keyBytes);
            strings.AddRange(valueBytes);
        }
        return [.. locator, .. strings];
    }

    private static byte[] Le32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] WithCrc(byte[] bytes)
    {
        var crc = uint.MaxValue;
        foreach (var value in bytes) crc = BitOperations.Crc32C(crc, value);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), ~crc);
        return bytes;
    }

    private static void Put(FileStream file, long offset, byte[] bytes)
    {
        file.Position = offset;
        file.Write(bytes);
    }
}
