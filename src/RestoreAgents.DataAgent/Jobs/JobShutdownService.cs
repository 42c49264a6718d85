namespace RestoreAgents.DataAgent.Jobs;

/// <summary>On SIGTERM, cancels the running jobs and waits for them to end cleanly before the host stops.</summary>
internal sealed class JobShutdownService(RestoreJobRegistry jobs) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => jobs.StopAllAsync(cancellationToken);
}
