using System.Buffers.Binary;
using System.Numerics;

namespace RestoreAgents.DiskImages;

/// <summary>CRC-32C (Castagnoli), as VHDX checksums its headers, region tables and log; hardware-assisted.</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (var value in data) crc = BitOperations.Crc32C(crc, value);
        return ~crc;
    }

    /// <summary>The CRC of a structure whose 4-byte checksum field at <paramref name="field"/> counts as zero.</summary>
    public static uint ComputeWithFieldZeroed(ReadOnlySpan<byte> data, int field)
    {
        Span<byte> copy = data.Length <= 4096 ? stackalloc byte[data.Length] : new byte[data.Length];
        data.CopyTo(copy);
        copy.Slice(field, 4).Clear();
        return Compute(copy);
    }
}
