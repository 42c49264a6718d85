namespace RestoreAgents.Caching.Tests;

public sealed class PageCacheConcurrencyTests
{
    private const int Page = 4096;

    [Fact]
    public async Task PageCache_TakesBlockingWritesFromManyThreads_AndLandsEveryByte()
    {
        const int threads = 8, block = 1000;
        long diskSize = 64 * Page;
        await using var test = new CacheUnderTest(Page, slots: 3, diskSize: diskSize);
        var failures = new List<Exception>();

        // Thread t writes blocks t, t + 8, ...: neighbouring blocks share pages and arrive from different threads.
        var writers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                for (long offset = (long)t * block; offset < diskSize; offset += threads * block)
                {
                    var data = TestBytes.NonZero((int)Math.Min(block, diskSize - offset), (int)offset);
                    test.Write(offset, data);
                }
            }
            catch (Exception e)
            {
                lock (failures) failures.Add(e);
            }
        }) { IsBackground = true }).ToList();
        writers.ForEach(w => w.Start());
        foreach (var writer in writers)
            Assert.True(writer.Join(HangGuard.Timeout), "a writer thread never finished");
        await test.Cache.FlushAsync();

        Assert.Empty(failures);
        test.AssertStoreHoldsExpected();
        Assert.Equal(diskSize, test.Cache.Statistics.BytesWritten);
    }

    [Fact]
    public async Task PageCache_TakesAsyncWritesToTheSamePagesAtOnce_AndLandsEveryByte()
    {
        long diskSize = 16 * Page;
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: diskSize, uploadParallelism: 2);

        // Every 512-byte sector is its own write, all started together in a scrambled order.
        var sectors = Enumerable.Range(0, (int)(diskSize / 512)).ToArray();
        new Random(7).Shuffle(sectors);
        await Task.WhenAll(sectors.Select(s => Task.Run(() => test.WriteAsync(s * 512L, TestBytes.NonZero(512, s)))));
        await test.Cache.FlushAsync();

        test.AssertStoreHoldsExpected();
    }

    [Fact]
    public async Task PageCache_ReadsDuringWrites_SeeEachByteEitherUnwrittenOrWritten_NeverAnotherPagesBytes()
    {
        long diskSize = 32 * Page;
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: diskSize);
        var reference = TestBytes.NonZero((int)diskSize, seed: 8);
        using var done = new CancellationTokenSource();
        var mismatches = 0;

        var reader = Task.Run(async () =>
        {
            var random = new Random(9);
            var buffer = new byte[3 * Page];
            while (!done.IsCancellationRequested)
            {
                long offset = random.NextInt64(0, diskSize - buffer.Length);
                int read = await test.Cache.ReadAsync(offset, buffer);
                for (int i = 0; i < read; i++)
                    if (buffer[i] != 0 && buffer[i] != reference[offset + i]) Interlocked.Increment(ref mismatches);
            }
        });
        var blocks = Enumerable.Range(0, (int)(diskSize / 700) + 1).ToArray();
        new Random(10).Shuffle(blocks);
        foreach (var b in blocks)
        {
            long offset = b * 700L;
            int length = (int)Math.Min(700, diskSize - offset);
            if (length > 0) await test.Cache.WriteAsync(offset, reference.AsMemory((int)offset, length));
        }
        await test.Cache.FlushAsync();
        await done.CancelAsync();
        await reader;

        Assert.Equal(0, mismatches);
        Assert.Equal(reference, test.Store.Contents());
    }
}
