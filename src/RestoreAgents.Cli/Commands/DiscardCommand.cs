using RestoreAgents.Cli.Agents;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Commands;

/// <summary>`restorectl discard JOB`: gives an interrupted job up; its journal goes, the blob stays as far as it got.</summary>
public sealed class DiscardCommand : DataAgentJobCommand
{
    public DiscardCommand(CliEnvironment environment, AgentClientFactory agents)
        : base("discard", "Give up an interrupted restore job: it will not resume (the blob stays as far as it got).",
            "Id of the interrupted job (see 'restorectl status').", jobRequired: true, environment, agents)
    {
    }

    protected override async Task<int> RunAsync(AgentConnection<DataAgent.DataAgentClient> agent, string jobId,
        CancellationToken cancellationToken)
    {
        await agent.CallAsync((client, options) =>
            client.DiscardRestoreAsync(new DiscardRestoreRequest { JobId = jobId }, options), cancellationToken)
            .ConfigureAwait(false);
        Environment.Output.WriteLine($"job {jobId} discarded: it will not resume");
        return ExitCodes.Success;
    }
}
