using System.Diagnostics;
using RestoreAgents.Telemetry;

namespace RestoreAgents.MediaAgent;

/// <summary>The media agent's spans: one per stream (copy.stream), and a few sampled store reads in it.</summary>
internal static class MediaAgentTelemetry
{
    public const string Name = "RestoreAgents.MediaAgent";
    public const string StreamSpan = "copy.stream";
    public const string StoreReadSpan = "store.read";

    /// <summary>Store reads per stream that get a span; the rest are measured by histograms only.</summary>
    public const int SampledReads = 4;

    public const int SampledFailures = 4;

    public static readonly ActivitySource Source = TelemetrySources.CreateSource(Name, typeof(MediaAgentTelemetry));
}
