using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RestoreAgents.MediaAgent;

internal static class StoreHealth
{
    /// <summary>Healthy while the store's folder is reachable: a lost mount of the backup target shows here.</summary>
    public static HealthCheckResult Check(IConfiguration configuration)
    {
        var path = configuration[$"{MediaAgentOptions.Section}:{nameof(MediaAgentOptions.StorePath)}"];
        return Directory.Exists(path)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"store folder '{path}' is not reachable");
    }
}
