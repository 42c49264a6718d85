namespace RestoreAgents.Install.Tests;

/// <summary>How a service stopped: within its TimeoutStopSec=, its exit code, the mounts it left in its runtime folders.</summary>
public sealed record ServiceStop(bool InTime, int ExitCode, IReadOnlyList<string> MountsLeft);
