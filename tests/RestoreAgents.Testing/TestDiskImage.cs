namespace RestoreAgents.Testing;

/// <summary>
/// Writes raw disk images for tests: runs of seeded pseudo-random data between runs of zeros, with boundaries
/// at odd offsets, so page, block and sector edges all get exercised. The file is sparse where it is zero.
/// </summary>
public static class TestDiskImage
{
    public static async Task CreateAsync(string path, long size, int seed, double dataFraction = 0.4)
    {
        var random = new Random(seed);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16,
            FileOptions.Asynchronous);
        file.SetLength(size);
        var buffer = new byte[1 << 20];
        long position = 0;
        while (position < size)
        {
            var run = Math.Min(size - position, random.NextInt64(1, 3L << 20));
            if (random.NextDouble() < dataFraction)
            {
                file.Position = position;
                for (var left = run; left > 0;)
                {
                    var chunk = (int)Math.Min(left, buffer.Length);
                    random.NextBytes(buffer.AsSpan(0, chunk));
                    await file.WriteAsync(buffer.AsMemory(0, chunk));
                    left -= chunk;
                }
            }
            position += run;
        }
    }
}
