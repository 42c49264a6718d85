using System.Diagnostics;
using RestoreAgents.Telemetry;

namespace RestoreAgents.Caching;

/// <summary>The page cache's spans: a few sampled page uploads per cache (<see cref="SpanBudget"/>), none per wait.</summary>
internal static class PageCacheTelemetry
{
    public const string Name = "RestoreAgents.Caching";
    public const string PageUploadSpan = "page.upload";

    /// <summary>Page uploads per cache that get a span, with the Put Page spans beneath them.</summary>
    public const int SampledUploads = 8;

    /// <summary>Failed uploads per cache that get a span beyond the sampled ones.</summary>
    public const int SampledFailures = 8;

    public static readonly ActivitySource Source = TelemetrySources.CreateSource(Name, typeof(PageCache));
}
