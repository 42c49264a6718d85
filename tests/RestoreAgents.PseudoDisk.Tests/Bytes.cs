namespace RestoreAgents.PseudoDisk.Tests;

/// <summary>Compares files the way the tests need: the first differing offset, not just "different".</summary>
internal static class Bytes
{
    public static void AssertSameFile(string expected, string actual, long? length = null)
    {
        using var first = File.OpenHandle(expected);
        using var second = File.OpenHandle(actual);
        long total = length ?? RandomAccess.GetLength(first);
        Assert.True(RandomAccess.GetLength(second) >= total,
            $"'{actual}' has {RandomAccess.GetLength(second)} bytes, fewer than the {total} of '{expected}'");
        var a = new byte[1 << 20];
        var b = new byte[1 << 20];
        for (long offset = 0; offset < total;)
        {
            int count = (int)Math.Min(a.Length, total - offset);
            ReadExactly(first, a.AsSpan(0, count), offset);
            ReadExactly(second, b.AsSpan(0, count), offset);
            int mismatch = a.AsSpan(0, count).CommonPrefixLength(b.AsSpan(0, count));
            Assert.True(mismatch == count,
                $"'{actual}' differs from '{expected}' at offset {offset + mismatch} (of {total} bytes)");
            offset += count;
        }
    }

    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] ReadRange(string path, long offset, int length)
    {
        using var handle = File.OpenHandle(path);
        var bytes = new byte[length];
        ReadExactly(handle, bytes, offset);
        return bytes;
    }

    private static void ReadExactly(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0)
            {
                buffer.Clear();
                return;
            }
            buffer = buffer[read..];
            offset += read;
        }
    }
}
