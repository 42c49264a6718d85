using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RestoreAgents.Caching;

/// <summary>The page cache's spans and instruments; created once, free when nobody listens.</summary>
internal static class PageCacheTelemetry
{
    public const string Name = "RestoreAgents.Caching";

    public const string CacheTag = "restoreagents.cache";
    public const string PageOffsetTag = "restoreagents.page.offset";
    public const string PageBytesTag = "restoreagents.page.bytes";
    public const string BlobTag = "restoreagents.blob";
    public const string OutcomeTag = "restoreagents.page.outcome";
    public const string EarlyFlushTag = "restoreagents.page.early_flush";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Histogram<double> UploadDuration = Meter.CreateHistogram<double>(
        "restoreagents.pagecache.upload.duration", "s", "Time to upload (or skip, or clear) one page");

    public static readonly Histogram<double> SlotWaitDuration = Meter.CreateHistogram<double>(
        "restoreagents.pagecache.slot_wait.duration", "s", "Time a write waited for a free cache slot");

    public static readonly Counter<long> BytesUploaded = Meter.CreateCounter<long>(
        "restoreagents.pagecache.uploaded.bytes", "By", "Bytes written to the page blob");

    public static readonly Counter<long> PagesUploaded = Meter.CreateCounter<long>(
        "restoreagents.pagecache.pages.uploaded", "{page}", "Pages written to the page blob");

    public static readonly Counter<long> PagesSkippedZero = Meter.CreateCounter<long>(
        "restoreagents.pagecache.pages.skipped_zero", "{page}", "All-zero pages that did not travel");

    public static readonly Counter<long> EarlyFlushes = Meter.CreateCounter<long>(
        "restoreagents.pagecache.early_flushes", "{page}", "Partial pages uploaded because every slot was partial");
}
