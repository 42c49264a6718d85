using System.CommandLine;
using RestoreAgents.Cli.Agents;
using RestoreAgents.Cli.Rendering;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Commands;

/// <summary>`restorectl watch JOB`: re-attaches the progress view to a running job and waits for its end.</summary>
public sealed class WatchCommand : DataAgentJobCommand
{
    public WatchCommand(CliEnvironment environment, AgentClientFactory agents)
        : base("watch", "Show a job's progress until it ends; exit code 0 only when it completed.",
            "Id of the job to watch (see 'restorectl status').", jobRequired: true, environment, agents)
    {
    }

    protected override async Task<int> RunAsync(AgentConnection<DataAgent.DataAgentClient> agent, string jobId,
        CancellationToken cancellationToken)
    {
        try
        {
            var final = await new RestoreProgressView(Environment)
                .ShowAsync(jobId, RestoreJobStream.ReadAsync(agent, jobId, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            // Whether the job was asked to verify is not in its progress; a completed job is a success here.
            return RestoreOutcome.Report(Environment, agent.Endpoint, jobId, final, requireVerified: false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return RestoreOutcome.Interrupted(Environment, jobId);
        }
    }
}
