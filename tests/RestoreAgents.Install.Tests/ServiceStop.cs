namespace RestoreAgents.Install.Tests;

/// <summary>How a service stopped: within TimeoutStopSec= or not, its exit code, the mounts left in its runtime folders.</summary>
public sealed record ServiceStop(bool InTime, int ExitCode, IReadOnlyList<string> MountsLeft)
{
    /// <summary>
    /// What systemd counts as a clean stop after SIGTERM: exit 0, or the SIGTERM itself (128 + 15), which .NET
    /// raises again once its graceful shutdown is done.
    /// </summary>
    public bool CleanForSystemd => ExitCode is 0 or 143;
}
