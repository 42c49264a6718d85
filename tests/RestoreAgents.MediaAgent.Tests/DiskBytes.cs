using RestoreAgents.Testing;

namespace RestoreAgents.MediaAgent.Tests;

/// <summary>Disk images as byte arrays: zeros except the runs a test names, which never hold a zero byte.</summary>
internal static class DiskBytes
{
    public static byte[] With(long size, params (long Offset, int Length)[] data)
    {
        var image = new byte[size];
        for (int i = 0; i < data.Length; i++)
            TestBytes.NonZero(data[i].Length, seed: i + 1).CopyTo(image, data[i].Offset);
        return image;
    }

    /// <summary>Writes each block at its offset into a zeroed disk of <paramref name="size"/> bytes.</summary>
    public static byte[] Reassemble(long size, IEnumerable<Protocol.V1.Block> blocks)
    {
        var disk = new byte[size];
        foreach (var block in blocks) block.Data.Span.CopyTo(disk.AsSpan((int)block.Offset));
        return disk;
    }
}
