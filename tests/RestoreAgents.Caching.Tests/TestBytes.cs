namespace RestoreAgents.Caching.Tests;

internal static class TestBytes
{
    /// <summary>Bytes that are never zero, so a byte of them read back as zero is a lost byte.</summary>
    public static byte[] NonZero(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        for (int i = 0; i < bytes.Length; i++)
            if (bytes[i] == 0) bytes[i] = 1;
        return bytes;
    }
}
