namespace RestoreAgents.Caching.Tests;

/// <summary>
/// The synchronous side of the cache (what FUSE threads call): the same bodies as the asynchronous side, with
/// synchronous blob and file calls beneath them, blocking only while they wait for an event.
/// </summary>
public sealed class PageCacheSynchronousTests
{
    private const int Page = 4096;

    [Fact]
    public async Task PageCache_BlockingRead_OfUploadedPages_UsesTheBlobsSynchronousRead()
    {
        await using var test = new CacheUnderTest(Page, slots: 1, diskSize: 4 * Page);
        await test.WriteAsync(0, TestBytes.NonZero(Page, seed: 1));
        await test.WriteAsync(Page + 10, TestBytes.NonZero(10, seed: 2));
        await test.Cache.FlushAsync();
        var buffer = new byte[2 * Page];

        int read = test.Cache.Read(0, buffer);

        Assert.Equal(2 * Page, read);
        Assert.Equal(test.Expected[..(2 * Page)], buffer);
        Assert.Equal(2, test.Store.Reads);
        Assert.Equal(2, test.Store.SynchronousReads);
    }

    [Fact]
    public async Task PageCache_BlockingWrite_IntoAPageInTheBlob_LoadsItWithTheBlobsSynchronousRead()
    {
        await using var test = new CacheUnderTest(Page, slots: 1, diskSize: 2 * Page);
        var stored = TestBytes.NonZero(Page, seed: 3);
        await test.Store.WritePagesAsync(Page, stored);
        stored.CopyTo(test.Expected, Page);
        test.Cache.DeclareInBlob(Page, Page);

        test.Write(Page + 100, TestBytes.NonZero(10, seed: 4));
        test.Cache.Flush();

        test.AssertStoreHoldsExpected();
        Assert.Equal(1, test.Store.Reads);
        Assert.Equal(1, test.Store.SynchronousReads);
    }

    [Fact]
    public async Task PageCache_BlockingFlush_ReturnsOnlyOnceTheBlobAcknowledgedThePartialPage()
    {
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page);
        test.Store.HoldWrites();
        test.Write(Page + 1, TestBytes.NonZero(100, seed: 5));

        Exception? failure = null;
        var flusher = new Thread(() =>
        {
            try { test.Cache.Flush(); }
            catch (Exception e) { failure = e; }
        }) { IsBackground = true, Name = "fuse-like fsync" };
        flusher.Start();
        await test.Store.When(store => store.WritesStarted == 1);

        Assert.True(flusher.IsAlive, "the blocking flush returned while the blob still held the page back");
        Assert.Empty(test.Store.Calls);
        test.Store.ReleaseWrites();
        Assert.True(flusher.Join(HangGuard.Timeout), "the blocking flush never returned");
        Assert.Null(failure);
        test.AssertStoreHoldsExpected();
    }

    [Fact]
    public async Task PageCache_BlockingFlush_ThrowsTheUploadFailure_Itself()
    {
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page);
        test.Store.FailWritesAt(Page, new IOException("the blob went away"));
        test.Write(Page, TestBytes.NonZero(100, seed: 6));

        var e = Assert.Throws<PageUploadException>(() => test.Cache.Flush());

        Assert.IsType<IOException>(e.InnerException);
    }

    [Fact]
    public async Task PageCache_BlockingDispose_StopsAHeldUpload_AndDeletesTheCacheFile()
    {
        await using var test = new CacheUnderTest(Page, slots: 1, diskSize: 2 * Page);
        test.Store.HoldWrites();
        test.Write(0, TestBytes.NonZero(Page, seed: 7));
        await test.Store.When(store => store.WritesStarted == 1);

        test.Cache.Dispose();

        Assert.False(File.Exists(test.Cache.CacheFilePath), "the cache file outlived the cache");
        Assert.Empty(test.Store.Calls);
        Assert.Throws<ObjectDisposedException>(() => test.Cache.Write(Page, new byte[1]));
    }

    [Fact]
    public async Task PageCache_BlockingWriteAndRead_OfACachedPage_AllocateNothing()
    {
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page);
        var data = TestBytes.NonZero(100, seed: 8);
        var buffer = new byte[200];
        test.Write(Page + 50, data); // the first call rents and pools what later calls reuse
        test.Cache.Read(Page, buffer);

        long before = GC.GetAllocatedBytesForCurrentThread();
        test.Cache.Write(Page + 50, data);
        test.Cache.Read(Page, buffer);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(data, buffer[50..150]);
    }
}
