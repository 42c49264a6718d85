namespace RestoreAgents.Cloud.Tests;

internal static class TestBytes
{
    /// <summary>Seeded bytes with no zero byte, so a page that reads back as zeros cannot pass for written.</summary>
    public static byte[] NonZero(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        for (int i = 0; i < bytes.Length; i++)
            if (bytes[i] == 0) bytes[i] = 1;
        return bytes;
    }
}
