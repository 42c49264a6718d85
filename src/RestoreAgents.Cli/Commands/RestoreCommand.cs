using System.CommandLine;
using RestoreAgents.Cli.Agents;
using RestoreAgents.Cli.Rendering;
using RestoreAgents.Cloud;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Commands;

/// <summary>`restorectl restore`: starts a restore job on a data agent and, unless --no-wait, watches it to its end.</summary>
public sealed class RestoreCommand : Command
{
    private readonly CliEnvironment _environment;
    private readonly AgentClientFactory _agents;
    private readonly Option<Uri> _dataAgent;
    private readonly Option<Uri> _mediaAgent;
    private readonly DestinationOptions _destination;
    private readonly Option<string> _copy = new("--copy")
    {
        Description = "Name of the copy to restore (see 'restorectl copies').",
        HelpName = "NAME",
        Required = true,
    };
    private readonly Option<long?> _pageSize = CommonOptions.PageSize("default: the data agent's, 4MiB");
    private readonly Option<long?> _cacheSize = CommonOptions.Size("--cache-size",
        "Local page cache for this job (default: the data agent's, 256MiB).");
    private readonly Option<bool> _overwrite = new("--overwrite") { Description = "Replace the blob if it exists." };
    private readonly Option<bool> _noVerify = new("--no-verify")
    {
        Description = "Do not read the blob back to compare it with the copy's SHA-256.",
    };
    private readonly Option<bool> _noWait = new("--no-wait")
    {
        Description = "Print the job id once the data agent accepts the job, and exit.",
    };

    public RestoreCommand(CliEnvironment environment, AgentClientFactory agents)
        : base("restore", "Restore a copy into an Azure page blob (a fixed VHD) through a data agent.")
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(agents);
        _environment = environment;
        _agents = agents;
        _dataAgent = CommonOptions.DataAgent(environment);
        _mediaAgent = CommonOptions.MediaAgent(environment);
        _destination = new DestinationOptions(environment);
        Options.Add(_dataAgent);
        Options.Add(_mediaAgent);
        Options.Add(_copy);
        _destination.AddTo(this);
        Options.Add(_pageSize);
        Options.Add(_cacheSize);
        Options.Add(_overwrite);
        Options.Add(_noVerify);
        Options.Add(_noWait);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (credentials, container, blobName) = _destination.ResolveBlob(parseResult);
        var request = BuildRequest(parseResult, credentials, container.Name, blobName);
        var agent = _agents.DataAgent(parseResult.GetRequiredValue(_dataAgent));
        var started = await agent.CallAsync((client, options) => client.StartRestoreAsync(request, options),
            cancellationToken).ConfigureAwait(false);

        if (parseResult.GetValue(_noWait))
        {
            _environment.Output.WriteLine(started.JobId);
            return ExitCodes.Success;
        }

        _environment.Output.WriteLine($"job {started.JobId} started on the data agent at {agent.Endpoint.Display}: "
            + $"copy {request.CopyName} into blob {request.Destination.BlobName}");
        try
        {
            var final = await new RestoreProgressView(_environment)
                .ShowAsync(started.JobId, RestoreJobStream.ReadAsync(agent, started.JobId, cancellationToken),
                    cancellationToken).ConfigureAwait(false);
            return RestoreOutcome.Report(_environment, agent.Endpoint, started.JobId, final,
                requireVerified: request.Verify);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return RestoreOutcome.Interrupted(_environment, started.JobId);
        }
    }

    private StartRestoreRequest BuildRequest(ParseResult parseResult, StorageCredentials credentials,
        string container, string blobName)
    {
        // The data agent takes the credentials with the request (until it holds named destinations itself).
        var message = new PageBlobDestination { Container = container, BlobName = blobName };
        switch (credentials)
        {
            case ContainerSasCredentials sas:
                message.ContainerSasUrl = sas.SasUrl;
                break;
            case ConnectionStringCredentials account:
                message.ConnectionString = account.ConnectionString;
                break;
            default:
                throw new CliUsageException($"{credentials} cannot be sent to a data agent: give a connection "
                    + "string or a container SAS URL");
        }

        return new StartRestoreRequest
        {
            MediaAgentUrl = parseResult.GetRequiredValue(_mediaAgent).ToString(),
            CopyName = parseResult.GetRequiredValue(_copy),
            Destination = message,
            PageSizeBytes = (uint)(parseResult.GetValue(_pageSize) ?? 0),
            CacheSizeBytes = (ulong)(parseResult.GetValue(_cacheSize) ?? 0),
            Verify = !parseResult.GetValue(_noVerify),
            Overwrite = parseResult.GetValue(_overwrite),
        };
    }
}
