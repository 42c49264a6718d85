using System.CommandLine;
using RestoreAgents.Cli.Agents;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Commands;

/// <summary>
/// `restorectl resume JOB [--sas-url-file FILE]`: runs an interrupted job again from its journal on the data agent
/// (the same job id), asking the media agent only for what the blob does not hold yet.
/// </summary>
public sealed class ResumeCommand : DataAgentJobCommand
{
    private readonly SecretOption _sasUrl = new("sas-url",
        "SAS URL the job was started with, given again (a data agent never keeps one)", DestinationOptions.SasUrlVariable,
        "URL");

    public ResumeCommand(CliEnvironment environment, AgentClientFactory agents)
        : base("resume", "Resume an interrupted restore job on a data agent, where it stopped.",
            "Id of the interrupted job (see 'restorectl status').", jobRequired: true, environment, agents)
    {
        _sasUrl.AddTo(this);
    }

    protected override Task<int> RunAsync(AgentConnection<DataAgent.DataAgentClient> agent, string jobId,
        CancellationToken cancellationToken) => throw new InvalidOperationException("resume needs its command line");

    protected override async Task<int> RunAsync(ParseResult parseResult,
        AgentConnection<DataAgent.DataAgentClient> agent, string jobId, CancellationToken cancellationToken)
    {
        var request = new ResumeRestoreRequest { JobId = jobId, SasUrl = _sasUrl.Read(parseResult, Environment) ?? "" };
        await agent.CallAsync((client, options) => client.ResumeRestoreAsync(request, options), cancellationToken)
            .ConfigureAwait(false);
        Environment.Output.WriteLine($"job {jobId} resumes; 'restorectl watch {jobId}' follows it");
        return ExitCodes.Success;
    }
}
