using System.Diagnostics;
using RestoreAgents.Telemetry;

namespace RestoreAgents.DataAgent;

/// <summary>
/// The data agent's spans, a handful per job whatever the disk's size: the job, each stream from a media agent,
/// the last pages, the footer, the verification (page uploads are sampled by the page cache).
/// </summary>
internal static class DataAgentTelemetry
{
    public const string Name = "RestoreAgents.DataAgent";
    public const string JobSpan = "restore.job";
    public const string StreamSpan = "restore.stream";
    public const string FlushSpan = "restore.flush";
    public const string FooterSpan = "restore.footer";
    public const string VerifySpan = "restore.verify";

    public static readonly ActivitySource Source = TelemetrySources.CreateSource(Name, typeof(DataAgentTelemetry));
}
