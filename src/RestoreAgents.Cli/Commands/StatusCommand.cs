using System.CommandLine;
using RestoreAgents.Cli.Agents;
using RestoreAgents.Cli.Rendering;
using RestoreAgents.Protocol.V1;
using Spectre.Console;

namespace RestoreAgents.Cli.Commands;

/// <summary>`restorectl status [JOB]`: the data agent's jobs with their state, progress and error; for one finished
/// job, where its time went.</summary>
public sealed class StatusCommand : DataAgentJobCommand
{
    public StatusCommand(CliEnvironment environment, AgentClientFactory agents)
        : base("status", "List restore jobs on a data agent: id, state, progress and error; for a finished JOB, where its time went.",
            "Show only this job.", jobRequired: false, environment, agents)
    {
    }

    protected override async Task<int> RunAsync(AgentConnection<DataAgent.DataAgentClient> agent, string jobId,
        CancellationToken cancellationToken)
    {
        var response = await agent.CallAsync((client, options) =>
            client.ListRestoresAsync(new ListRestoresRequest(), options), cancellationToken).ConfigureAwait(false);

        var jobs = string.IsNullOrEmpty(jobId)
            ? response.Jobs.ToList()
            : response.Jobs.Where(j => j.JobId == jobId).ToList();
        if (jobs.Count == 0 && !string.IsNullOrEmpty(jobId))
            throw new AgentRequestException(agent.Endpoint, Grpc.Core.StatusCode.NotFound, $"no job '{jobId}'");
        if (jobs.Count == 0)
        {
            Environment.Output.WriteLine($"no restore jobs on the data agent at {agent.Endpoint.Display}");
            return ExitCodes.Success;
        }

        var table = new Table().AddColumns("Job", "State", "Copy", "Progress", "Pages uploaded", "Error");
        foreach (var job in jobs)
            table.AddRow(Markup.Escape(job.JobId), Markup.Escape(StateText(job)), Markup.Escape(job.CopyName),
                Markup.Escape(RestoreProgressText.Bytes(job)), job.PagesUploaded.ToString(),
                Markup.Escape(job.Error));
        Environment.Console.Write(table);
        // One finished job asked for by name: where its time went.
        if (!string.IsNullOrEmpty(jobId) && jobs[0] is { Stages: { } stages } finished
            && RestoreProgressText.IsFinal(finished.State))
        {
            if (StageBreakdownText.Summary(finished) is { } summary) Environment.Output.WriteLine(summary);
            foreach (var line in StageBreakdownText.Lines(stages)) Environment.Output.WriteLine(line);
        }
        return ExitCodes.Success;
    }

    private static string StateText(RestoreProgress job) => job.State == RestoreState.Completed && job.Verified
        ? "completed (verified)"
        : RestoreProgressText.State(job.State);
}
