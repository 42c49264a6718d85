using System.CommandLine;
using RestoreAgents.Cli.Agents;
using RestoreAgents.Cli.Rendering;
using RestoreAgents.Cloud;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Commands;

/// <summary>
/// `restorectl restore`: starts a restore job on a data agent and, unless --no-wait, watches it to its end. The
/// request names a media agent and a destination as the data agent's configuration names them: no credential or
/// address travels, only, when given, a SAS URL scoped to the container or the blob.
/// </summary>
public sealed class RestoreCommand : Command
{
    private readonly CliEnvironment _environment;
    private readonly AgentClientFactory _agents;
    private readonly Option<Uri> _dataAgent;
    private readonly Option<string> _mediaAgent = new("--media-agent")
    {
        Description = "Name of the media agent in the data agent's configuration (DataAgent:MediaAgents:NAME).",
        HelpName = "NAME",
        Required = true,
    };
    private readonly Option<string> _destination = new("--destination")
    {
        Description = "Name of the storage destination in the data agent's configuration "
            + "(DataAgent:Destinations:NAME), which holds the account and its credential.",
        HelpName = "NAME",
        Required = true,
    };
    private readonly Option<string> _container = new("--container")
    {
        Description = "Container of the page blob (optional with a SAS URL, which names it).",
        HelpName = "NAME",
    };
    private readonly Option<string> _blob = new("--blob")
    {
        Description = "Name of the page blob, e.g. vm01.vhd (optional with a blob's SAS URL).",
        HelpName = "NAME",
    };
    private readonly SecretOption _sasUrl = new("sas-url",
        "SAS URL of the container or the blob, instead of the destination's own credential (https only; not kept "
        + "by the data agent)", DestinationOptions.SasUrlVariable, "URL");
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
    private readonly Option<string> _verify = new Option<string>("--verify")
    {
        Description = "How the job proves the blob equals the copy: proof (each page checked against the copy's "
            + "block hashes before its upload, then the blob's page ranges), readback (the proof, then the whole "
            + "blob read back and hashed) or none.",
        HelpName = "proof|readback|none",
        DefaultValueFactory = _ => "proof",
    }.AcceptOnlyFromAmong("proof", "readback", "none");
    private readonly Option<bool> _noVerify = new("--no-verify")
    {
        Description = "The same as --verify none.",
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
        Options.Add(_dataAgent);
        Options.Add(_mediaAgent);
        Options.Add(_copy);
        Options.Add(_destination);
        Options.Add(_container);
        Options.Add(_blob);
        _sasUrl.AddTo(this);
        Options.Add(_pageSize);
        Options.Add(_cacheSize);
        Options.Add(_overwrite);
        Options.Add(_verify);
        Options.Add(_noVerify);
        Options.Add(_noWait);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var dataAgent = parseResult.GetRequiredValue(_dataAgent);
        var request = BuildRequest(parseResult, dataAgent);
        var agent = _agents.DataAgent(dataAgent);
        var started = await agent.CallAsync((client, options) => client.StartRestoreAsync(request, options),
            cancellationToken).ConfigureAwait(false);

        if (parseResult.GetValue(_noWait))
        {
            _environment.Output.WriteLine(started.JobId);
            return ExitCodes.Success;
        }

        var target = request.Target;
        var blob = target.BlobName.Length > 0 ? target.BlobName : "named by the SAS URL";
        _environment.Output.WriteLine($"job {started.JobId} started on the data agent at {agent.Endpoint.Display}: "
            + $"copy {request.CopyName} from media agent '{request.MediaAgent}' into blob {blob} of destination "
            + $"'{target.Destination}'");
        try
        {
            var final = await new RestoreProgressView(_environment)
                .ShowAsync(started.JobId, RestoreJobStream.ReadAsync(agent, started.JobId, cancellationToken),
                    cancellationToken).ConfigureAwait(false);
            return RestoreOutcome.Report(_environment, agent.Endpoint, started.JobId, final,
                requireVerified: request.VerifyMode != VerifyMode.None);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return RestoreOutcome.Interrupted(_environment, started.JobId);
        }
    }

    /// <summary>The request, its names checked as the data agent checks them, before anything is sent.</summary>
    private StartRestoreRequest BuildRequest(ParseResult parseResult, Uri dataAgent)
    {
        var target = new RestoreTarget
        {
            Destination = parseResult.GetRequiredValue(_destination),
            Container = parseResult.GetValue(_container) ?? "",
            BlobName = parseResult.GetValue(_blob) ?? "",
        };
        if (_sasUrl.Read(parseResult, _environment) is { } sasUrl)
        {
            var sas = AsUsage(() => new SasUrlCredentials(sasUrl));
            if (!sas.IsHttps)
                _environment.Error.WriteLine($"warning: the SAS URL is plaintext http ({sas.Url}); a data agent "
                    + "accepts one only for a destination that allows plaintext (development)");
            if (dataAgent.Scheme != Uri.UriSchemeHttps)
                _environment.Error.WriteLine($"warning: the SAS URL travels to the data agent at {dataAgent} without TLS");
            target.SasUrl = sasUrl;
            if (target.Container.Length == 0) target.Container = sas.Container;
            if (target.BlobName.Length == 0 && sas.BlobName is { } sasBlob) target.BlobName = sasBlob;
        }
        if (target.Container.Length == 0)
            throw new CliUsageException("--container is required unless a SAS URL names the container");
        if (target.BlobName.Length == 0)
            throw new CliUsageException("--blob is required unless a SAS URL names the blob");
        AsUsage(() =>
        {
            StorageNames.ValidateContainerName(target.Container);
            StorageNames.ValidateBlobName(target.BlobName);
            return true;
        });

        return new StartRestoreRequest
        {
            MediaAgent = parseResult.GetRequiredValue(_mediaAgent),
            CopyName = parseResult.GetRequiredValue(_copy),
            Target = target,
            PageSizeBytes = (uint)(parseResult.GetValue(_pageSize) ?? 0),
            CacheSizeBytes = (ulong)(parseResult.GetValue(_cacheSize) ?? 0),
            VerifyMode = Verify(parseResult),
            Overwrite = parseResult.GetValue(_overwrite),
        };
    }

    private VerifyMode Verify(ParseResult parseResult)
    {
        var mode = parseResult.GetValue(_verify);
        if (parseResult.GetValue(_noVerify))
        {
            if (parseResult.GetResult(_verify) is { Implicit: false } && mode != "none")
                throw new CliUsageException($"--no-verify contradicts --verify {mode}");
            return VerifyMode.None;
        }
        return mode switch
        {
            "readback" => VerifyMode.Readback,
            "none" => VerifyMode.None,
            _ => VerifyMode.Proof,
        };
    }

    private static T AsUsage<T>(Func<T> check)
    {
        try
        {
            return check();
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException(e.Message, e);
        }
    }
}
