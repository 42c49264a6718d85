namespace RestoreAgents.Caching.Tests;

/// <summary>
/// Cancel gives a restore up at once: the uploads in flight see their token cancelled, every writer waiting for a
/// slot wakes (also one blocked on its own thread, as a FUSE worker is), and nothing more is uploaded.
/// </summary>
public sealed class PageCacheCancelTests
{
    private const int Page = 4096;

    [Fact]
    public async Task Cancel_EndsTheUploadsInFlight_AndWakesEveryWriterWaitingForASlot_OnATaskOrAThread()
    {
        await using var cache = new CacheUnderTest(Page, slots: 2, diskSize: 16 * Page);
        cache.Store.HoldWrites(); // a cloud that takes Put Page calls and never answers
        await cache.WriteAsync(0, TestBytes.NonZero(Page, seed: 1));
        await cache.WriteAsync(Page, TestBytes.NonZero(Page, seed: 2));
        await cache.Store.When(store => store.WritesStarted == 2);
        var waitingTask = cache.Cache.WriteAsync(2 * Page, TestBytes.NonZero(Page, seed: 3)).AsTask();
        var waitingThread = OnThread(() => cache.Cache.Write(3 * Page, TestBytes.NonZero(Page, seed: 4)));
        await TestGuard.Until(() => cache.Cache.Statistics.SlotWaits == 2, "both writers wait for a slot");

        cache.Cache.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waitingTask.WaitAsync(TestGuard.Timeout));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waitingThread.WaitAsync(TestGuard.Timeout));
        await cache.Store.When(store => store.WritesCancelled == 2);
        Assert.Empty(cache.Store.Calls);
    }

    [Fact]
    public async Task FlushAfterCancel_UploadsNothing_NotEvenThePartialPages()
    {
        await using var cache = new CacheUnderTest(Page, slots: 4, diskSize: 16 * Page);
        await cache.WriteAsync(0, TestBytes.NonZero(Page / 2, seed: 1));
        await cache.WriteAsync(5 * Page, TestBytes.NonZero(100, seed: 2));

        cache.Cache.Cancel();

        // A flush that waited for uploads would never end: the guard turns that into a TimeoutException.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cache.Cache.FlushAsync().WaitAsync(TestGuard.Timeout));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => OnThread(() => cache.Cache.Flush()).WaitAsync(TestGuard.Timeout));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => cache.Cache.WriteAsync(0, new byte[512]).AsTask().WaitAsync(TestGuard.Timeout));
        Assert.Equal(0, cache.Store.WritesStarted);
    }

    [Fact]
    public async Task Cancel_Twice_OrAfterDispose_DoesNothing()
    {
        await using (var cancelledTwice = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page))
        {
            cancelledTwice.Cache.Cancel();
            cancelledTwice.Cache.Cancel();
        }
        var disposed = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page);
        await disposed.DisposeAsync();

        // A job's cancel callback may run after its cache is gone.
        disposed.Cache.Cancel();
    }

    private static Task OnThread(Action action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                action();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }) { IsBackground = true }.Start();
        return done.Task;
    }
}
