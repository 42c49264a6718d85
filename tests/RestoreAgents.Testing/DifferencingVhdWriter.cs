using System.Buffers.Binary;
using System.Text;

namespace RestoreAgents.Testing;

/// <summary>
/// Writes a differencing VHD over a parent VHD, as Hyper-V makes them (qemu-img cannot): a copy of the parent's
/// footer turned to disk type 4, a dynamic disk header naming the parent by unique id, name and a relative
/// 'W2ru' locator, and 2 MiB blocks only where the writes land, each with a sector bitmap (most significant bit
/// first) that marks the written sectors as this file's. Writes must be whole sectors.
/// </summary>
public static class DifferencingVhdWriter
{
    private const int Sector = 512;
    private const int BlockSize = 2 * 1024 * 1024;
    private const int HeaderOffset = 512;
    private const int TableOffset = 1536;

    public static async Task CreateAsync(string path, string parentPath, IEnumerable<(long Offset, int Length, byte Fill)> writes)
    {
        var parentFooter = new byte[Sector];
        await using (var parent = File.OpenRead(parentPath))
        {
            parent.Position = parent.Length - Sector;
            await parent.ReadExactlyAsync(parentFooter);
        }
        var size = BinaryPrimitives.ReadInt64BigEndian(parentFooter.AsSpan(48));
        var blocks = (int)((size + BlockSize - 1) / BlockSize);
        var batBytes = (blocks * 4 + Sector - 1) / Sector * Sector;
        var locator = Encoding.Unicode.GetBytes(@".\" + Path.GetFileName(parentPath));
        var locatorOffset = TableOffset + batBytes;
        var firstBlock = locatorOffset + Sector;

        // Each touched block: its bitmap and data, at the next free sector after the locator.
        var blockData = new SortedDictionary<int, (byte[] Bitmap, byte[] Data)>();
        foreach (var (offset, length, fill) in writes)
        {
            if (offset % Sector != 0 || length % Sector != 0) throw new ArgumentException("writes must be whole sectors");
            for (var at = offset; at < offset + length; at += Sector)
            {
                var index = (int)(at / BlockSize);
                if (!blockData.TryGetValue(index, out var block))
                    blockData[index] = block = (new byte[Sector], new byte[BlockSize]);
                var sector = (int)(at % BlockSize / Sector);
                block.Bitmap[sector / 8] |= (byte)(0x80 >> (sector % 8));
                block.Data.AsSpan(sector * Sector, Sector).Fill(fill);
            }
        }

        var bat = Enumerable.Repeat(uint.MaxValue, blocks).ToArray();
        var next = (long)firstBlock;
        foreach (var index in blockData.Keys)
        {
            bat[index] = (uint)(next / Sector);
            next += Sector + BlockSize;
        }

        var footer = Footer(parentFooter);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        await file.WriteAsync(footer);
        await file.WriteAsync(Header(parentFooter, blocks, parentPath, locator.Length, locatorOffset));
        var table = new byte[batBytes];
        for (var i = 0; i < blocks; i++) BinaryPrimitives.WriteUInt32BigEndian(table.AsSpan(i * 4), bat[i]);
        await file.WriteAsync(table);
        var locatorSector = new byte[Sector];
        locator.CopyTo(locatorSector, 0);
        await file.WriteAsync(locatorSector);
        foreach (var (bitmap, data) in blockData.Values)
        {
            await file.WriteAsync(bitmap);
            await file.WriteAsync(data);
        }
        await file.WriteAsync(footer);
    }

    private static byte[] Footer(byte[] parentFooter)
    {
        var footer = (byte[])parentFooter.Clone();
        BinaryPrimitives.WriteUInt64BigEndian(footer.AsSpan(16), HeaderOffset);
        BinaryPrimitives.WriteUInt32BigEndian(footer.AsSpan(60), 4);                  // differencing
        Guid.NewGuid().TryWriteBytes(footer.AsSpan(68, 16), bigEndian: true, out _);
        WriteChecksum(footer, 64);
        return footer;
    }

    private static byte[] Header(byte[] parentFooter, int blocks, string parentPath, int locatorLength, long locatorOffset)
    {
        var header = new byte[1024];
        "cxsparse"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(8), ulong.MaxValue);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(16), TableOffset);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(24), 0x00010000);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(28), (uint)blocks);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(32), BlockSize);
        parentFooter.AsSpan(68, 16).CopyTo(header.AsSpan(40));                         // parent unique id
        parentFooter.AsSpan(24, 4).CopyTo(header.AsSpan(56));                          // parent time stamp
        Encoding.BigEndianUnicode.GetBytes(Path.GetFileName(parentPath)).CopyTo(header.AsSpan(64));
        "W2ru"u8.CopyTo(header.AsSpan(576));
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(580), Sector);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(584), (uint)locatorLength);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(592), (ulong)locatorOffset);
        WriteChecksum(header, 36);
        return header;
    }

    // The VHD checksum: one's complement of the byte sum, the checksum field counted as zero.
    private static void WriteChecksum(byte[] bytes, int field)
    {
        bytes.AsSpan(field, 4).Clear();
        uint sum = 0;
        foreach (var value in bytes) sum += value;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(field), ~sum);
    }
}
