using System.CommandLine;
using RestoreAgents.Cli.Agents;
using RestoreAgents.Cli.Rendering;
using RestoreAgents.Protocol.V1;
using Spectre.Console;

namespace RestoreAgents.Cli.Commands;

/// <summary>`restorectl status [JOB]`: the data agent's jobs with their state, progress and error.</summary>
public sealed class StatusCommand : Command
{
    private readonly CliEnvironment _environment;
    private readonly AgentClientFactory _agents;
    private readonly Option<Uri> _dataAgent;
    private readonly Argument<string?> _job = CommonOptions.JobId("Show only this job.", required: false);

    public StatusCommand(CliEnvironment environment, AgentClientFactory agents)
        : base("status", "List restore jobs on a data agent: id, state, progress and error.")
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
        using var agent = _agents.DataAgent(parseResult.GetRequiredValue(_dataAgent));
        var response = await agent.CallAsync((client, options) =>
            client.ListRestoresAsync(new ListRestoresRequest(), options), cancellationToken).ConfigureAwait(false);

        var jobId = parseResult.GetValue(_job);
        var jobs = string.IsNullOrEmpty(jobId)
            ? response.Jobs.ToList()
            : response.Jobs.Where(j => j.JobId == jobId).ToList();
        if (jobs.Count == 0 && !string.IsNullOrEmpty(jobId))
            throw new AgentRequestException(agent.Endpoint, Grpc.Core.StatusCode.NotFound, $"no job '{jobId}'");
        if (jobs.Count == 0)
        {
            _environment.Output.WriteLine($"no restore jobs on the data agent at {agent.Endpoint.Display}");
            return ExitCodes.Success;
        }

        var table = new Table().AddColumns("Job", "State", "Copy", "Progress", "Pages uploaded", "Error");
        foreach (var job in jobs)
            table.AddRow(Markup.Escape(job.JobId), Markup.Escape(StateText(job)), Markup.Escape(job.CopyName),
                Markup.Escape(RestoreProgressText.Bytes(job)), job.PagesUploaded.ToString(),
                Markup.Escape(job.Error));
        _environment.Console.Write(table);
        return ExitCodes.Success;
    }

    private static string StateText(RestoreProgress job) => job.State == RestoreState.Completed && job.Verified
        ? "completed (verified)"
        : RestoreProgressText.State(job.State);
}
