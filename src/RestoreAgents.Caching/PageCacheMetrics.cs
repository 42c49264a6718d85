using System.Diagnostics;
using System.Diagnostics.Metrics;
using RestoreAgents.Telemetry;

namespace RestoreAgents.Caching;

/// <summary>
/// The page cache's instruments, from the host's IMeterFactory: upload latency and bytes by outcome, slots in use,
/// waits for a free slot, early flushes. Tags are built only when an instrument is listened to.
/// </summary>
public sealed class PageCacheMetrics
{
    private readonly Histogram<double> _uploadDuration;
    private readonly Counter<long> _uploadBytes;
    private readonly UpDownCounter<long> _slotsUsed;
    private readonly Histogram<double> _slotWaitDuration;
    private readonly Counter<long> _earlyFlushes;

    public PageCacheMetrics(IMeterFactory meterFactory)
    {
        var meter = TelemetrySources.CreateMeter(meterFactory, PageCacheTelemetry.Name, typeof(PageCache));
        _uploadDuration = meter.CreateHistogram<double>("restoreagents.page.upload.duration", "s",
            "Time to upload, clear or skip one page, by outcome (uploaded, cleared, skipped_zero, failed).");
        _uploadBytes = meter.CreateCounter<long>("restoreagents.page.upload.bytes", "By",
            "Bytes of pages written to page blobs.");
        _slotsUsed = meter.CreateUpDownCounter<long>("restoreagents.cache.slots.used", "{slot}",
            "Cache slots holding a page.");
        _slotWaitDuration = meter.CreateHistogram<double>("restoreagents.cache.slot_wait.duration", "s",
            "Time a write waited for a free cache slot.");
        _earlyFlushes = meter.CreateCounter<long>("restoreagents.cache.early_flushes", "{page}",
            "Partial pages uploaded early because every slot held a partial page.");
    }

    internal void RecordUpload(TimeSpan duration, string outcome, long bytes, Exception? failure)
    {
        if (_uploadDuration.Enabled)
        {
            var tags = new TagList { { TelemetryAttributes.Outcome, outcome } };
            if (failure is not null) tags.Add(TelemetryAttributes.ErrorType, SpanFailure.ErrorType(failure));
            _uploadDuration.Record(duration.TotalSeconds, tags);
        }
        if (bytes > 0) _uploadBytes.Add(bytes);
    }

    internal void SlotTaken() => _slotsUsed.Add(1);

    internal void SlotsFreed(int count) => _slotsUsed.Add(-count);

    internal void RecordSlotWait(TimeSpan waited) => _slotWaitDuration.Record(waited.TotalSeconds);

    internal void EarlyFlush() => _earlyFlushes.Add(1);
}
