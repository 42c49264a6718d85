using System.CommandLine;
using RestoreAgents.Cli.Agents;
using RestoreAgents.Cli.Rendering;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Commands;

/// <summary>`restorectl cancel JOB`: asks the data agent to stop a job; the blob is left as far as it got.</summary>
public sealed class CancelCommand : DataAgentJobCommand
{
    public CancelCommand(CliEnvironment environment, AgentClientFactory agents)
        : base("cancel", "Cancel a restore job on a data agent.",
            "Id of the job to cancel (see 'restorectl status').", jobRequired: true, environment, agents)
    {
    }

    protected override async Task<int> RunAsync(AgentConnection<DataAgent.DataAgentClient> agent, string jobId,
        CancellationToken cancellationToken)
    {
        var response = await agent.CallAsync((client, options) =>
            client.CancelRestoreAsync(new CancelRestoreRequest { JobId = jobId }, options), cancellationToken)
            .ConfigureAwait(false);

        Environment.Output.WriteLine(response.State switch
        {
            RestoreState.Cancelled => $"job {jobId} cancelled",
            RestoreState.Completed or RestoreState.Failed =>
                $"job {jobId} had already ended ({RestoreProgressText.State(response.State)}); nothing to cancel",
            _ => $"job {jobId} is cancelling (was {RestoreProgressText.State(response.State)}); "
                + $"'restorectl status {jobId}' shows when it stops",
        });
        return ExitCodes.Success;
    }
}
