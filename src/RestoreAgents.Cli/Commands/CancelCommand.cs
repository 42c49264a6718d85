using System.CommandLine;
using RestoreAgents.Cli.Agents;
using RestoreAgents.Cli.Rendering;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Commands;

/// <summary>`restorectl cancel JOB`: asks the data agent to stop a job; the blob is left as far as it got.</summary>
public sealed class CancelCommand : Command
{
    private readonly CliEnvironment _environment;
    private readonly AgentClientFactory _agents;
    private readonly Option<Uri> _dataAgent;
    private readonly Argument<string?> _job = CommonOptions.JobId("Id of the job to cancel (see 'restorectl status').");

    public CancelCommand(CliEnvironment environment, AgentClientFactory agents)
        : base("cancel", "Cancel a restore job on a data agent.")
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(agents);
        _environment = environment;
        _agents = agents;
        _dataAgent = CommonOptions.DataAgent(environment);
        Options.Add(_dataAgent);
        Arguments.Add(_job);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var jobId = parseResult.GetRequiredValue(_job)!;
        using var agent = _agents.DataAgent(parseResult.GetRequiredValue(_dataAgent));
        var response = await agent.CallAsync((client, options) =>
            client.CancelRestoreAsync(new CancelRestoreRequest { JobId = jobId }, options), cancellationToken)
            .ConfigureAwait(false);

        _environment.Output.WriteLine(response.State switch
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
