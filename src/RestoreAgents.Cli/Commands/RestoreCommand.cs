using System.CommandLine;
using RestoreAgents.Cli.Agents;
using RestoreAgents.Cli.Rendering;
using RestoreAgents.Protocol.V1;
using CloudDestination = RestoreAgents.Cloud.PageBlobDestination;

namespace RestoreAgents.Cli.Commands;

/// <summary>`restorectl restore`: starts a restore job on a data agent and, unless --no-wait, watches it to its end.</summary>
public sealed class RestoreCommand : Command
{
    public const int MinPageSize = 512;
    public const int MaxPageSize = 4 * 1024 * 1024;

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
    private readonly Option<long?> _pageSize = CommonOptions.Size("--page-size",
        "Cloud page size: a multiple of 512 up to 4MiB (default: the data agent's, 4MiB).", PageSizeProblem);
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

    public static bool IsValidPageSize(long size) => size is >= MinPageSize and <= MaxPageSize && size % 512 == 0;

    /// <summary>The data agent's rule for page sizes, checked here so a typo costs no round trip.</summary>
    internal static string? PageSizeProblem(long size, string typed)
    {
        if (IsValidPageSize(size)) return null;
        // 4MB is 4,000,000 bytes, not a multiple of 512: say so rather than leave the reader puzzled.
        var hint = new[] { "kb", "mb", "gb", "tb" }.Any(u => typed.EndsWith(u, StringComparison.OrdinalIgnoreCase))
            ? "; KB and MB are decimal units, write KiB or MiB"
            : "";
        return $"page size {size} is not a multiple of 512 between 512 and 4194304 (4 MiB, the largest Azure Put Page)"
            + hint;
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var request = BuildRequest(parseResult, _destination.Resolve(parseResult));
        using var agent = _agents.DataAgent(parseResult.GetRequiredValue(_dataAgent));
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

    private StartRestoreRequest BuildRequest(ParseResult parseResult, CloudDestination destination)
    {
        var message = new PageBlobDestination { Container = destination.Container, BlobName = destination.BlobName };
        if (destination.UsesContainerSas)
            message.ContainerSasUrl = destination.ContainerSasUrl;
        else
            message.ConnectionString = destination.ConnectionString;

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
