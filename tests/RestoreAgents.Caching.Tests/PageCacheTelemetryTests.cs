using System.Diagnostics;
using System.Diagnostics.Metrics;
using RestoreAgents.Telemetry;
using RestoreAgents.Testing;

namespace RestoreAgents.Caching.Tests;

/// <summary>
/// The page cache's telemetry: the first uploads and slot waits of a cache get a span, every one is measured, and
/// an upload without a span leaves no spans beneath it (the Put Page's HTTP calls), whatever the disk's size.
/// </summary>
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
                    if (activity.GetTagItem(TelemetryAttributes.CacheName) as string == cacheName)
                        lock (_spans) _spans.Add(activity);
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<Activity> Named(string name) { lock (_spans) return _spans.Where(s => s.OperationName == name).ToList(); }

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>The measurements of one cache's instruments (its own meter factory: no other test's).</summary>
    private sealed class CacheMeasurements : IDisposable
    {
        private readonly TestMeterFactory _factory = new();
        private readonly MeterListener _listener = new();
        private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _seen = [];

        public CacheMeasurements()
        {
            Metrics = new PageCacheMetrics(_factory);
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "RestoreAgents.Caching")
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        public PageCacheMetrics Metrics { get; }

        public IReadOnlyList<(string Instrument, double Value, Dictionary<string, object?> Tags)> Seen
        {
            get { lock (_seen) return [.. _seen]; }
        }

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (!_factory.Created(instrument.Meter)) return;
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags) copy[tag.Key] = tag.Value;
            lock (_seen) _seen.Add((instrument.Name, value, copy));
        }

        public void Dispose()
        {
            _listener.Dispose();
            _factory.Dispose();
        }
    }

    [Fact]
    public async Task PageCache_TracesAnUpload_WithItsPageOffsetBytesAndOutcome()
    {
        var name = $"traced-{Guid.NewGuid():N}";
        using var spans = new CacheSpans(name);
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page, name: name);

        await test.WriteAsync(2 * Page, TestBytes.NonZero(Page, seed: 1));
        await test.Cache.FlushAsync();

        var upload = Assert.Single(spans.Named("page.upload"));
        Assert.Equal(2L * Page, upload.GetTagItem(TelemetryAttributes.PageOffset));
        Assert.Equal(Page, upload.GetTagItem(TelemetryAttributes.PageBytes));
        Assert.Equal("uploaded", upload.GetTagItem(TelemetryAttributes.Outcome));
        Assert.Empty(spans.Named("cache.wait_for_slot"));
    }

    [Fact]
    public async Task PageCache_TracesOnlyItsFirstUploads_AndMeasuresEveryOne()
    {
        const int pages = 3 * PageCacheTelemetry.SampledUploads;
        var name = $"many-{Guid.NewGuid():N}";
        using var spans = new CacheSpans(name);
        using var measurements = new CacheMeasurements();
        await using var test = new CacheUnderTest(Page, slots: 4, diskSize: pages * Page, name: name,
            metrics: measurements.Metrics);

        await test.WriteAsync(0, TestBytes.NonZero(pages * Page, seed: 5));
        await test.Cache.FlushAsync();

        Assert.Equal(PageCacheTelemetry.SampledUploads, spans.Named("page.upload").Count);
        var durations = measurements.Seen.Where(m => m.Instrument == "restoreagents.page.upload.duration").ToList();
        Assert.Equal(pages, durations.Count);
        Assert.All(durations, d => Assert.Equal("uploaded", d.Tags[TelemetryAttributes.Outcome]));
        Assert.Equal(pages * Page, measurements.Seen.Where(m => m.Instrument == "restoreagents.page.upload.bytes")
            .Sum(m => m.Value));
        Assert.Equal(pages - PageCacheTelemetry.SampledUploads, test.Cache.Statistics.UploadsWithoutSpan);
    }

    [Fact]
    public async Task AnUploadWithoutASpan_LeavesNoSpansBeneathIt()
    {
        const int pages = PageCacheTelemetry.SampledUploads + 4;
        using var spans = new CacheSpans("any"); // someone listens, as an exporting host does
        await using var test = new CacheUnderTest(Page, slots: 1, diskSize: pages * Page, uploadParallelism: 1);
        var suppressed = new List<bool>();
        test.Store.OnWriteStarted = _ => { lock (suppressed) suppressed.Add(OpenTelemetry.Sdk.SuppressInstrumentation); };

        await test.WriteAsync(0, TestBytes.NonZero(pages * Page, seed: 6));
        await test.Cache.FlushAsync();

        // The Put Page beneath a sampled upload is traced (HttpClient, the Azure SDK); beneath the others it is not.
        Assert.Equal([.. Enumerable.Repeat(false, PageCacheTelemetry.SampledUploads), .. Enumerable.Repeat(true, 4)],
            suppressed);
    }

    [Fact]
    public async Task AFailedUpload_HasASpanWithItsErrorType_AndIsMeasuredAsFailed()
    {
        var name = $"failing-{Guid.NewGuid():N}";
        using var spans = new CacheSpans(name);
        using var measurements = new CacheMeasurements();
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page, name: name,
            metrics: measurements.Metrics);
        test.Store.FailWritesAt(Page, new IOException("the service is gone"));

        await test.WriteAsync(Page, TestBytes.NonZero(Page, seed: 7));
        await Assert.ThrowsAsync<PageUploadException>(() => test.Cache.FlushAsync());

        var upload = Assert.Single(spans.Named("page.upload"));
        Assert.Equal(ActivityStatusCode.Error, upload.Status);
        Assert.Equal(typeof(IOException).FullName, upload.GetTagItem(TelemetryAttributes.ErrorType));
        var failed = Assert.Single(measurements.Seen, m => m.Instrument == "restoreagents.page.upload.duration");
        Assert.Equal("failed", failed.Tags[TelemetryAttributes.Outcome]);
        Assert.Equal(typeof(IOException).FullName, failed.Tags[TelemetryAttributes.ErrorType]);
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
        Assert.Equal((long)Page, wait.GetTagItem(TelemetryAttributes.PageOffset));
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
}
