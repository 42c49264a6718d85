using System.Diagnostics;
using RestoreAgents.Telemetry;

namespace RestoreAgents.Caching;

/// <summary>The page cache's spans: the first few page uploads and slot waits of each cache (<see cref="SpanBudget"/>).</summary>
internal static class PageCacheTelemetry
{
    public const string Name = "RestoreAgents.Caching";
    public const string PageUploadSpan = "page.upload";
    public const string SlotWaitSpan = "cache.wait_for_slot";

    /// <summary>Page uploads per cache that get a span, with the Put Page spans beneath them.</summary>
    public const int SampledUploads = 8;

    /// <summary>Failed uploads per cache that get a span beyond the sampled ones.</summary>
    public const int SampledFailures = 8;

    /// <summary>Waits for a free slot per cache that get a span.</summary>
    public const int SampledSlotWaits = 16;

    public static readonly ActivitySource Source = TelemetrySources.CreateSource(Name, typeof(PageCache));
}
