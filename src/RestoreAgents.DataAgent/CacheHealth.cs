using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RestoreAgents.DataAgent;

internal static class CacheHealth
{
    /// <summary>Healthy while the cache folder can be created and written: a full or read-only disk shows here.</summary>
    public static HealthCheckResult Check(IConfiguration configuration)
    {
        var path = configuration[$"{DataAgentOptions.Section}:{nameof(DataAgentOptions.CacheDirectory)}"];
        if (string.IsNullOrEmpty(path)) return HealthCheckResult.Unhealthy("DataAgent:CacheDirectory is not set");
        try
        {
            Directory.CreateDirectory(path);
            var probe = Path.Combine(path, ".health");
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"cache folder '{path}' is not writable: {e.Message}");
        }
    }
}
