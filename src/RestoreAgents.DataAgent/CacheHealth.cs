using Microsoft.Extensions.Diagnostics.HealthChecks;
using RestoreAgents.Files;

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
            OwnerOnlyFiles.CreateFolder(path);
            // A fresh name, created exclusively (O_EXCL never follows a symlink) and gone on close: a link planted
            // in the folder cannot turn the probe into a write through it.
            var probe = Path.Combine(path, $".health-{Guid.NewGuid():N}");
            using (var file = new FileStream(probe, OwnerOnlyFiles.CreateNew(FileAccess.Write, FileOptions.DeleteOnClose)))
                file.WriteByte(1);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"cache folder '{path}' is not writable: {e.Message}");
        }
    }
}
