namespace RestoreAgents.Caching.Tests;

public sealed class PageCacheBackpressureTests
{
    private const int Page = 4096;

    [Fact]
    public async Task PageCache_MakesTheWriterWait_WhileTheStoreIsBlocked_ThenCompletesIt_WithNoDataLost()
    {
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 8 * Page);
        test.Store.HoldWrites();
        await test.WriteAsync(0, TestBytes.NonZero(Page, seed: 1));
        await test.WriteAsync(Page, TestBytes.NonZero(Page, seed: 2));
        await test.Store.When(store => store.WritesStarted == 2);

        var third = TestBytes.NonZero(Page, seed: 3);
        using var slotWait = test.WatchSlotWait();
        var pending = test.Cache.WriteAsync(2 * Page, third).AsTask();
        await slotWait.Started;

        Assert.False(pending.IsCompleted, "the write finished although every slot was busy uploading");
        Assert.Equal(2, test.Cache.Statistics.SlotsInUse);
        Assert.Empty(test.Store.Calls);

        test.Store.ReleaseWrites();
        await pending.WaitAsync(HangGuard.Timeout);
        third.CopyTo(test.Expected, 2 * Page);
        await test.Cache.FlushAsync();

        test.AssertStoreHoldsExpected();
        var statistics = test.Cache.Statistics;
        Assert.Equal(3, statistics.PagesUploaded);
        Assert.Equal(2, statistics.PeakSlotsInUse);
        Assert.Equal(0, statistics.EarlyFlushes);
    }

    [Fact]
    public async Task PageCache_BlocksTheCallingThread_OfABlockingWrite_WhileTheStoreIsBlocked()
    {
        await using var test = new CacheUnderTest(Page, slots: 1, diskSize: 4 * Page);
        test.Store.HoldWrites();
        test.Write(0, TestBytes.NonZero(Page, seed: 4));
        await test.Store.When(store => store.WritesStarted == 1);

        var second = TestBytes.NonZero(Page, seed: 5);
        Exception? failure = null;
        using var slotWait = test.WatchSlotWait();
        var writer = new Thread(() =>
        {
            try { test.Cache.Write(Page, second); }
            catch (Exception e) { failure = e; }
        }) { IsBackground = true, Name = "fuse-like writer" };
        writer.Start();
        await slotWait.Started;

        Assert.True(writer.IsAlive, "the blocking write returned although the only slot was busy uploading");

        test.Store.ReleaseWrites();
        Assert.True(writer.Join(HangGuard.Timeout), "the blocking write never returned");
        Assert.Null(failure);
        second.CopyTo(test.Expected, Page);
        await test.Cache.FlushAsync();
        test.AssertStoreHoldsExpected();
    }

    [Fact]
    public async Task PageCache_AWriteToAPageBeingUploaded_WaitsForTheUpload_ThenLandsWithoutReadingThePageBack()
    {
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page);
        test.Store.HoldWrites();
        await test.WriteAsync(0, TestBytes.NonZero(Page, seed: 6));
        await test.Store.When(store => store.WritesStarted == 1);

        var patch = TestBytes.NonZero(10, seed: 7);
        using var slotWait = test.WatchSlotWait();
        var pending = test.Cache.WriteAsync(100, patch).AsTask();
        await slotWait.Started;
        Assert.False(pending.IsCompleted, "the write changed a page while it was being uploaded");

        test.Store.ReleaseWrites();
        await pending.WaitAsync(HangGuard.Timeout);
        patch.CopyTo(test.Expected, 100);
        await test.Store.WhenWritten(0, times: 2); // full again, so up again at once

        test.AssertStoreHoldsExpected();
        Assert.Equal(0, test.Store.Reads);
        Assert.Equal(1, test.Cache.Statistics.PeakSlotsInUse);
    }

    [Theory]
    [InlineData(8, false)]
    [InlineData(8, true)]
    [InlineData(100, false)]
    [InlineData(100, true)]
    public async Task PageCache_RestoresADiskManyTimesTheCache_WithTheCacheFolderNeverOverCapacity(int times, bool shuffled)
    {
        const int slots = 4;
        long diskSize = (long)times * slots * Page;
        await using var test = new CacheUnderTest(Page, slots, diskSize);
        long capacity = test.Options.CapacityBytes;
        long largestFolder = 0;
        test.Store.OnWriteStarted = _ => Interlocked.Exchange(ref largestFolder, Math.Max(largestFolder, test.FolderBytes()));

        var blocks = new List<(long Offset, int Length)>();
        for (long offset = 0; offset < diskSize; offset += 3000)
            blocks.Add((offset, (int)Math.Min(3000, diskSize - offset)));
        if (shuffled) new Random(times).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(blocks));
        foreach (var (offset, length) in blocks)
        {
            await test.WriteAsync(offset, TestBytes.NonZero(length, (int)offset));
            largestFolder = Math.Max(largestFolder, test.FolderBytes());
        }
        await test.Cache.FlushAsync();

        test.AssertStoreHoldsExpected();
        Assert.True(largestFolder <= capacity, $"the cache folder held {largestFolder} bytes, over {capacity}");
        Assert.True(test.FolderBytes() <= capacity); // the file never shrinks: its size now is its largest
        var statistics = test.Cache.Statistics;
        Assert.True(statistics.PeakSlotsInUse <= slots);
        Assert.Equal(diskSize, statistics.BytesWritten);
        if (!shuffled)
        {
            Assert.Equal(diskSize / Page, statistics.PagesUploaded); // in order, every page goes up once, full
            Assert.Equal(0, statistics.EarlyFlushes);
        }
    }
}
