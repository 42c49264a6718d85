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
        return WriteProblem(path) is { } problem
            ? HealthCheckResult.Unhealthy($"cache folder '{path}' is not writable: {problem}")
            : HealthCheckResult.Healthy();
    }

    /// <summary>Why the cache folder cannot be created or written, or null when it can.</summary>
    public static string? WriteProblem(string path)
    {
        try
        {
            OwnerOnlyFiles.CreateFolder(path);
            // A fresh name, created exclusively (O_EXCL never follows a symlink) and gone on close: a link planted
            // in the folder cannot turn the probe into a write through it.
            var probe = Path.Combine(path, $".health-{Guid.NewGuid():N}");
            using (var file = new FileStream(probe, OwnerOnlyFiles.CreateNew(FileAccess.Write, FileOptions.DeleteOnClose)))
                file.WriteByte(1);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }
}
