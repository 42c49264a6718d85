using Microsoft.Extensions.Diagnostics.HealthChecks;
using RestoreAgents.DataAgent.Jobs;

using RestoreAgents.DataAgent.Disks;

namespace RestoreAgents.DataAgent;

/// <summary>
/// Unhealthy while the FUSE pseudo-disk cannot be mounted: every job would fail, so the health service says
/// NOT_SERVING and a controller can send restores elsewhere. Healthy in direct mode.
/// </summary>
internal sealed class PseudoDiskHealth(FuseRestoreDiskFactory fuse) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context,
        CancellationToken cancellationToken = default) =>
        Task.FromResult(fuse.MountProblem is { } problem
            ? HealthCheckResult.Unhealthy(problem)
            : HealthCheckResult.Healthy());
}
