using System.Diagnostics;
using System.Diagnostics.Metrics;
using RestoreAgents.Telemetry;

namespace RestoreAgents.Cloud;

/// <summary>The storage calls' instruments, from the host's IMeterFactory: throttling answers by status and host.</summary>
public sealed class CloudMetrics
{
    private readonly Counter<long> _throttled;

    public CloudMetrics(IMeterFactory meterFactory)
    {
        var meter = TelemetrySources.CreateMeter(meterFactory, CloudTelemetry.Name, typeof(CloudMetrics));
        _throttled = meter.CreateCounter<long>("restoreagents.cloud.throttled", "{response}",
            "Throttling answers (503, 500, 429) from the storage service, each retried after a back-off.");
    }

    internal void Throttled(int status, string host)
    {
        if (!_throttled.Enabled) return;
        _throttled.Add(1, new TagList
        {
            { TelemetryAttributes.HttpResponseStatusCode, status },
            { TelemetryAttributes.ServerAddress, host },
        });
    }
}
