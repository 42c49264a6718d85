namespace RestoreAgents.DataAgent.Jobs;

/// <summary>On SIGTERM, cancels the running jobs and waits for them to end cleanly before the host stops.</summary>
internal sealed class JobShutdownService(RestoreJobRegistry jobs, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // ApplicationStopping fires before any hosted service stops. Kestrel, stopping, waits for open calls, and
        // a watch call lasts as long as its job: so the jobs are cancelled first, and their watchers told.
        lifetime.ApplicationStopping.Register(jobs.CancelAll);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => jobs.StopAllAsync(cancellationToken);
}
