using System.CommandLine;
using RestoreAgents.Cli.Agents;
using RestoreAgents.Cli.Rendering;

namespace RestoreAgents.Cli.Commands;

/// <summary>`restorectl watch JOB`: re-attaches the progress view to a running job and waits for its end.</summary>
public sealed class WatchCommand : Command
{
    private readonly CliEnvironment _environment;
    private readonly AgentClientFactory _agents;
    private readonly Option<Uri> _dataAgent;
    private readonly Argument<string?> _job = CommonOptions.JobId("Id of the job to watch (see 'restorectl status').");

    public WatchCommand(CliEnvironment environment, AgentClientFactory agents)
        : base("watch", "Show a job's progress until it ends; exit code 0 only when it completed.")
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
        try
        {
            var final = await new RestoreProgressView(_environment)
                .ShowAsync(jobId, RestoreJobStream.ReadAsync(agent, jobId, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            // Whether the job was asked to verify is not in its progress; a completed job is a success here.
            return RestoreOutcome.Report(_environment, agent.Endpoint, jobId, final, requireVerified: false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return RestoreOutcome.Interrupted(_environment, jobId);
        }
    }
}
