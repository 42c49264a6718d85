namespace RestoreAgents.Caching.Tests;

public sealed class PageCacheUploadTests
{
    private const int Page = 4096;

    [Fact]
    public async Task PageCache_UploadsAFullPage_AtOnce_BeforeTheStreamEnds()
    {
        await using var test = new CacheUnderTest(Page, slots: 4, diskSize: 8 * Page);
        var data = TestBytes.NonZero(Page, seed: 1);

        // Three unaligned pieces, last one first.
        await test.WriteAsync(Page + 3000, data[3000..]);
        await test.WriteAsync(Page, data[..1234]);
        await test.WriteAsync(Page + 1234, data[1234..3000]);
        await test.Store.WhenWritten(Page);

        Assert.Equal([new StoreCall(StoreCallKind.Write, Page, Page)], test.Store.Calls);
        Assert.Equal(data, test.Store.Contents()[Page..(2 * Page)]);
        await test.Cache.FlushAsync(); // returns once no upload is in flight, each counted
        Assert.Equal(1, test.Cache.Statistics.PagesUploaded);
        Assert.Equal(Page, test.Cache.Statistics.BytesUploaded);
    }

    [Fact]
    public async Task PageCache_UploadsPartialPages_WhenFlushed()
    {
        await using var test = new CacheUnderTest(Page, slots: 4, diskSize: 8 * Page);
        await test.WriteAsync(5000, TestBytes.NonZero(100, seed: 2));
        await test.WriteAsync(3 * Page + 7, TestBytes.NonZero(3, seed: 3));

        Assert.Empty(test.Store.Calls);
        await test.Cache.FlushAsync();

        Assert.Equal(
            [new StoreCall(StoreCallKind.Write, Page, Page), new StoreCall(StoreCallKind.Write, 3 * Page, Page)],
            test.Store.Calls.OrderBy(c => c.Offset));
        test.AssertStoreHoldsExpected();
        Assert.Equal(0, test.Cache.Statistics.SlotsInUse);
    }

    [Fact]
    public async Task PageCache_OutOfOrderUnalignedOverlappingWrites_LeaveExactBytesInTheStore()
    {
        const long diskSize = 10 * Page + 1536; // a short last page
        await using var test = new CacheUnderTest(Page, slots: 3, diskSize: diskSize);
        var random = new Random(4);
        var pieces = new List<(long Offset, int Length)>();
        for (long offset = 0; offset < diskSize;)
        {
            int length = (int)Math.Min(random.Next(1, 3 * Page), diskSize - offset);
            pieces.Add((offset, length));
            offset += length;
        }
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pieces));
        int seed = 100;
        foreach (var (offset, length) in pieces)
            await test.WriteAsync(offset, TestBytes.NonZero(length, seed++));
        // Overwrites across page boundaries, after some pages went up.
        await test.WriteAsync(Page - 10, TestBytes.NonZero(20, seed++));
        await test.WriteAsync(5 * Page + 100, TestBytes.NonZero(2 * Page, seed++));

        await test.Cache.FlushAsync();

        test.AssertStoreHoldsExpected();
        Assert.Equal(1536, test.Store.Calls.Where(c => c.Offset == 10 * Page).Select(c => c.Length).Distinct().Single());
    }

    [Fact]
    public async Task PageCache_SkipsAllZeroPages()
    {
        await using var test = new CacheUnderTest(Page, slots: 4, diskSize: 4 * Page);
        await test.WriteAsync(0, new byte[Page]);
        await test.WriteAsync(Page, TestBytes.NonZero(Page, seed: 5));
        await test.WriteAsync(2 * Page + 100, new byte[100]);

        await test.Cache.FlushAsync();

        Assert.Equal([new StoreCall(StoreCallKind.Write, Page, Page)], test.Store.Calls);
        Assert.Equal(2, test.Cache.Statistics.PagesSkippedZero);
        Assert.Equal(1, test.Cache.Statistics.PagesUploaded);
        test.AssertStoreHoldsExpected();
    }

    [Fact]
    public async Task PageCache_ClearsAPageThatHeldData_WhenItIsRewrittenWithZeros()
    {
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page);
        await test.WriteAsync(0, TestBytes.NonZero(Page, seed: 6));
        await test.Store.WhenWritten(0);
        await test.Cache.FlushAsync();

        await test.WriteAsync(0, new byte[Page]);
        await test.Cache.FlushAsync();

        Assert.Equal(
            [new StoreCall(StoreCallKind.Write, 0, Page), new StoreCall(StoreCallKind.Clear, 0, Page)],
            test.Store.Calls);
        test.AssertStoreHoldsExpected();
    }

    [Fact]
    public async Task PageCache_DeclaredZeroRanges_CompleteAPage_WithoutTheZerosTravelling()
    {
        await using var test = new CacheUnderTest(Page, slots: 4, diskSize: 4 * Page);
        test.Cache.DeclareZero(0, Page + 1000);     // page 0 whole, page 1 in part
        test.Cache.DeclareZero(3 * Page, Page);     // page 3 whole

        await test.WriteAsync(Page + 1000, TestBytes.NonZero(Page - 1000, seed: 7));
        await test.Store.WhenWritten(Page);         // full with its declared zeros: up before any flush
        await test.WriteAsync(2 * Page + 512, TestBytes.NonZero(512, seed: 8));
        await test.Cache.FlushAsync();

        Assert.Equal(
            [new StoreCall(StoreCallKind.Write, Page, Page), new StoreCall(StoreCallKind.Write, 2 * Page, Page)],
            test.Store.Calls);
        Assert.Equal(2, test.Cache.Statistics.PagesSkippedZero);
        test.AssertStoreHoldsExpected();
    }

    [Fact]
    public async Task PageCache_UploadsACachedPartialPage_AsSoonAsItsRestIsDeclaredZero()
    {
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 2 * Page);
        await test.WriteAsync(0, TestBytes.NonZero(1024, seed: 17));

        test.Cache.DeclareZero(2048, Page - 2048);
        Assert.Empty(test.Store.Calls); // bytes 1024..2047 are still unknown
        test.Cache.DeclareZero(1024, 1024);
        await test.Store.WhenWritten(0);

        test.AssertStoreHoldsExpected();
    }

    [Fact]
    public async Task PageCache_CompletesAnEarlyFlushedPage_WhenItsRestIsDeclaredZero_WithoutUploadingItAgain()
    {
        await using var test = new CacheUnderTest(Page, slots: 1, diskSize: 2 * Page);
        await test.WriteAsync(0, TestBytes.NonZero(1024, seed: 18));
        await test.WriteAsync(Page, TestBytes.NonZero(Page, seed: 19)); // page 0 goes up early
        Assert.Equal(1, test.Cache.Statistics.EarlyFlushes);

        test.Cache.DeclareZero(1024, Page - 1024);
        await test.Cache.FlushAsync();

        Assert.Equal(1, test.Store.WritesAt(0));
        test.AssertStoreHoldsExpected();
    }

    [Fact]
    public async Task PageCache_AWholeDiskDeclaredZero_UploadsNothing_AndNeverTakesASlot()
    {
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 16 * Page + 512);
        test.Cache.DeclareZero(0, 5 * Page + 17);
        test.Cache.DeclareZero(9 * Page, 7 * Page + 512);
        test.Cache.DeclareZero(5 * Page + 17, 4 * Page - 17);

        await test.Cache.FlushAsync();

        var statistics = test.Cache.Statistics;
        Assert.Empty(test.Store.Calls);
        Assert.Equal(17, statistics.PagesSkippedZero);
        Assert.Equal(0, statistics.PeakSlotsInUse);
    }

    [Fact]
    public async Task PageCache_FlushesTheOldestPartialPageEarly_WhenEverySlotIsPartial_AndItsLaterDataStillLands()
    {
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page);
        var page0 = TestBytes.NonZero(Page, seed: 9);
        await test.WriteAsync(0, page0[..1000]);
        await test.WriteAsync(Page, TestBytes.NonZero(100, seed: 10));

        // Both slots hold partial pages and nothing is uploading: page 0, written least recently, goes up early.
        await test.WriteAsync(2 * Page, TestBytes.NonZero(100, seed: 11));
        Assert.Equal(1, test.Cache.Statistics.EarlyFlushes);
        await test.Store.WhenWritten(0);
        Assert.Equal(page0[..1000], test.Store.Contents()[..1000]);

        // The rest of page 0 re-opens it from the store; with its first 1000 bytes remembered it is full again.
        await test.WriteAsync(1000, page0[1000..]);
        await test.Store.WhenWritten(0, times: 2);
        Assert.Equal(page0, test.Store.Contents()[..Page]);

        await test.Cache.FlushAsync();
        test.AssertStoreHoldsExpected();
        Assert.True(test.Store.Reads >= 1, "the early-flushed page was not read back from the store");
    }

    [Fact]
    public async Task PageCache_AReopenedPage_KeepsTheBytesUploadedEarly_WhenNewDataLandsElsewhereInIt()
    {
        await using var test = new CacheUnderTest(Page, slots: 1, diskSize: 3 * Page);
        await test.WriteAsync(10, TestBytes.NonZero(10, seed: 12));
        await test.WriteAsync(Page + 10, TestBytes.NonZero(10, seed: 13)); // page 0 flushed early
        await test.WriteAsync(100, TestBytes.NonZero(10, seed: 14));       // page 1 early, page 0 back
        await test.WriteAsync(Page + 100, TestBytes.NonZero(10, seed: 15));
        await test.WriteAsync(2 * Page + 4000, TestBytes.NonZero(96, seed: 16));

        await test.Cache.FlushAsync();

        test.AssertStoreHoldsExpected();
        Assert.True(test.Cache.Statistics.EarlyFlushes >= 3);
    }

    [Fact]
    public async Task PageCache_RejectsWritesOutsideTheDisk()
    {
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => test.Cache.WriteAsync(-1, new byte[1]).AsTask());
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => test.Cache.WriteAsync(4 * Page - 10, new byte[11]).AsTask());
        Assert.Contains($"write of 11 bytes at offset {4 * Page - 10} is outside disk", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => test.Cache.Write(4 * Page + 1, new byte[0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => test.Cache.DeclareZero(4 * Page - 512, 1024));

        await test.Cache.WriteAsync(4 * Page, ReadOnlyMemory<byte>.Empty); // empty, at the very end: fine
        Assert.Equal(0, test.Cache.Statistics.BytesWritten);
    }

    [Fact]
    public async Task PageCache_SurfacesAnUploadFailure_AsPageUploadException_NamingThePageAndTheStore()
    {
        await using var test = new CacheUnderTest(Page, slots: 4, diskSize: 4 * Page);
        test.Store.FailWritesAt(2 * Page, new IOException("the network went away"));
        test.Store.HoldWrites(); // every page is in before the failure shows
        for (int page = 0; page < 4; page++)
            await test.WriteAsync(page * Page, TestBytes.NonZero(Page, seed: 20 + page));
        test.Store.ReleaseWrites();

        var e = await Assert.ThrowsAsync<PageUploadException>(() => test.Cache.FlushAsync());

        Assert.Equal(2 * Page, e.PageOffset);
        Assert.Equal(test.Store.Name, e.BlobName);
        Assert.Contains($"offset {2 * Page}", e.Message);
        Assert.Contains(test.Store.Name, e.Message);
        Assert.Contains("the network went away", e.Message);
        Assert.IsType<IOException>(e.InnerException);
        // Pages that did go up stay; nothing after the failure is accepted silently.
        Assert.Equal(test.Expected[..(2 * Page)], test.Store.Contents()[..(2 * Page)]);
        Assert.Equal(test.Expected[(3 * Page)..], test.Store.Contents()[(3 * Page)..]);
        await Assert.ThrowsAsync<PageUploadException>(() => test.Cache.WriteAsync(0, new byte[1]).AsTask());
        Assert.Throws<PageUploadException>(() => test.Cache.Write(Page, new byte[1]));
        await Assert.ThrowsAsync<PageUploadException>(() => test.Cache.FlushAsync());
    }

    [Fact]
    public async Task PageCache_WakesAWaitingWriter_WithTheUploadFailure()
    {
        await using var test = new CacheUnderTest(Page, slots: 1, diskSize: 4 * Page);
        test.Store.FailWritesAt(0, new IOException("refused"));
        test.Store.HoldWrites();
        await test.WriteAsync(0, TestBytes.NonZero(Page, seed: 30));

        using var slotWait = test.WatchSlotWait();
        var waiting = test.Cache.WriteAsync(Page, TestBytes.NonZero(10, seed: 31)).AsTask();
        await slotWait.Started;
        test.Store.ReleaseWrites();

        var e = await Assert.ThrowsAsync<PageUploadException>(() => waiting.WaitAsync(HangGuard.Timeout));
        Assert.Equal(0, e.PageOffset);
    }

    [Fact]
    public async Task PageCache_DeletesItsCacheFile_OnDispose()
    {
        var test = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page);
        await test.WriteAsync(100, TestBytes.NonZero(100, seed: 40));
        var path = test.Cache.CacheFilePath;
        Assert.Equal(test.Folder, Path.GetDirectoryName(path));
        Assert.True(File.Exists(path));

        await test.Cache.DisposeAsync();

        Assert.False(File.Exists(path));
        Assert.Empty(Directory.EnumerateFiles(test.Folder));
        await test.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => test.Cache.WriteAsync(0, new byte[1]).AsTask());
    }
}
