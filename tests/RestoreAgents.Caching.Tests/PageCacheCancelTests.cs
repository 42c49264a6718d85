using RestoreAgents.Testing;

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
        var waitingTask = await WaitingForASlotAsync(cache,
            () => cache.Cache.WriteAsync(2 * Page, TestBytes.NonZero(Page, seed: 3)).AsTask());
        var waitingThread = await WaitingForASlotAsync(cache,
            () => OnThread(() => cache.Cache.Write(3 * Page, TestBytes.NonZero(Page, seed: 4))));

        cache.Cache.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => HangGuard.Within(waitingTask, "the writer waiting on a task to end"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => HangGuard.Within(waitingThread, "the writer waiting on its thread to end"));
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
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => HangGuard.Within(cache.Cache.FlushAsync(), "the flush to end"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => HangGuard.Within(OnThread(() => cache.Cache.Flush()), "the synchronous flush to end"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => HangGuard.Within(cache.Cache.WriteAsync(0, new byte[512]).AsTask(), "the write to end"));
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

    /// <summary>Starts a write and returns it once it waits for a slot (its wait span started).</summary>
    private static async Task<Task> WaitingForASlotAsync(CacheUnderTest cache, Func<Task> write)
    {
        using var slotWait = cache.WatchSlotWait();
        var writing = write();
        await slotWait.Started;
        return writing;
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
