using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RestoreAgents.Caching.Tests;

public sealed class PageCacheTelemetryTests
{
    private const int Page = 4096;

    /// <summary>Collects the page cache's finished spans of one cache (other tests run alongside).</summary>
    private sealed class CacheSpans : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly List<Activity> _spans = [];

        public CacheSpans(string cacheName)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "RestoreAgents.Caching",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    if (activity.GetTagItem("restoreagents.cache") as string == cacheName)
                        lock (_spans) _spans.Add(activity);
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<Activity> Named(string name) { lock (_spans) return _spans.Where(s => s.OperationName == name).ToList(); }

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public async Task PageCache_TracesEachUpload_WithItsPageOffsetAndBytes()
    {
        var name = $"traced-{Guid.NewGuid():N}";
        using var spans = new CacheSpans(name);
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page, name: name);

        await test.WriteAsync(2 * Page, TestBytes.NonZero(Page, seed: 1));
        await test.Cache.FlushAsync();

        var upload = Assert.Single(spans.Named("page.upload"));
        Assert.Equal(2L * Page, upload.GetTagItem("restoreagents.page.offset"));
        Assert.Equal(Page, upload.GetTagItem("restoreagents.page.bytes"));
        Assert.Equal("uploaded", upload.GetTagItem("restoreagents.page.outcome"));
        Assert.Empty(spans.Named("cache.wait_for_slot"));
    }

    [Fact]
    public async Task PageCache_TracesAWaitForASlot_OnlyWhenAWriterWaits()
    {
        var name = $"waiting-{Guid.NewGuid():N}";
        using var spans = new CacheSpans(name);
        var clock = new SteppingTimeProvider();
        await using var test = new CacheUnderTest(Page, slots: 1, diskSize: 4 * Page, name: name, timeProvider: clock);
        test.Store.HoldWrites();
        await test.WriteAsync(0, TestBytes.NonZero(Page, seed: 2));
        Assert.Empty(spans.Named("cache.wait_for_slot"));

        using var slotWait = test.WatchSlotWait();
        var waiting = test.WriteAsync(Page, TestBytes.NonZero(Page, seed: 3));
        await slotWait.Started;
        test.Store.ReleaseWrites();
        await waiting.WaitAsync(HangGuard.Timeout);
        await test.Cache.FlushAsync();

        var wait = Assert.Single(spans.Named("cache.wait_for_slot"));
        Assert.Equal((long)Page, wait.GetTagItem("restoreagents.page.offset"));
        // Measured on the cache's clock, which moves in whole seconds.
        var waited = test.Cache.Statistics.SlotWaitTime;
        Assert.True(waited >= TimeSpan.FromSeconds(1) && waited.Ticks % TimeSpan.TicksPerSecond == 0, $"waited {waited}");
    }

    /// <summary>A clock that moves one second each time it is read, so waits measure exactly.</summary>
    private sealed class SteppingTimeProvider : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => 1;

        public override long GetTimestamp() => Interlocked.Increment(ref _ticks);
    }

    [Fact]
    public async Task PageCache_MeasuresUploadedBytesAndUploadDurations()
    {
        long bytes = 0, durations = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "RestoreAgents.Caching") l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "restoreagents.pagecache.uploaded.bytes") Interlocked.Add(ref bytes, value);
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
        {
            if (instrument.Name == "restoreagents.pagecache.upload.duration") Interlocked.Increment(ref durations);
        });
        listener.Start();
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page);

        await test.WriteAsync(0, TestBytes.NonZero(3 * Page, seed: 4));
        await test.Cache.FlushAsync();

        // Other tests upload at the same time, so these are lower bounds.
        Assert.True(Interlocked.Read(ref bytes) >= 3 * Page);
        Assert.True(Interlocked.Read(ref durations) >= 3);
    }
}
