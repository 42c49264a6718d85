using System.CommandLine;
using RestoreAgents.Cli.Agents;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Commands;

/// <summary>
/// The shape of the commands that act on a data agent's jobs (status, watch, cancel, resume,
/// discard): a --data-agent option and a
/// JOB argument; the command gets a connection to the agent and the job id.
/// </summary>
public abstract class DataAgentJobCommand : Command
{
    private readonly AgentClientFactory _agents;
    private readonly Option<Uri> _dataAgent;
    private readonly Argument<string?> _job;

    protected DataAgentJobCommand(string name, string description, string jobDescription, bool jobRequired,
        CliEnvironment environment, AgentClientFactory agents)
        : base(name, description)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(agents);
        Environment = environment;
        _agents = agents;
        _dataAgent = CommonOptions.DataAgent(environment);
        _job = CommonOptions.JobId(jobDescription, jobRequired);
        Options.Add(_dataAgent);
        Arguments.Add(_job);
        SetAction(RunAsync);
    }

    protected CliEnvironment Environment { get; }

    /// <param name="jobId">The JOB argument; empty only when it is optional and was left out.</param>
    protected abstract Task<int> RunAsync(AgentConnection<DataAgent.DataAgentClient> agent, string jobId,
        CancellationToken cancellationToken);

    /// <summary>For a command with options of its own: the parsed command line too.</summary>
    protected virtual Task<int> RunAsync(ParseResult parseResult, AgentConnection<DataAgent.DataAgentClient> agent,
        string jobId, CancellationToken cancellationToken) => RunAsync(agent, jobId, cancellationToken);

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var agent = _agents.DataAgent(parseResult.GetRequiredValue(_dataAgent));
        return await RunAsync(parseResult, agent, parseResult.GetValue(_job) ?? "", cancellationToken)
            .ConfigureAwait(false);
    }
}
