namespace RestoreAgents.Testing;

/// <summary>Seeded test data.</summary>
public static class TestBytes
{
    /// <summary>Bytes with no zero byte, so a byte that reads back as zero is a lost byte, never a written one.</summary>
    public static byte[] NonZero(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        for (int i = 0; i < bytes.Length; i++)
            if (bytes[i] == 0) bytes[i] = 1;
        return bytes;
    }
}
