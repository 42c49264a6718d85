using System.CommandLine;
using System.Globalization;
using RestoreAgents.Cli.Agents;
using RestoreAgents.Protocol.V1;
using Spectre.Console;

namespace RestoreAgents.Cli.Commands;

/// <summary>`restorectl copies`: the copies a media agent can restore, as a table.</summary>
public sealed class CopiesCommand : Command
{
    private readonly CliEnvironment _environment;
    private readonly AgentClientFactory _agents;
    private readonly Option<Uri> _mediaAgent;

    public CopiesCommand(CliEnvironment environment, AgentClientFactory agents)
        : base("copies", "List the copies on a media agent: name, disk size, allocated bytes, created, format.")
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(agents);
        _environment = environment;
        _agents = agents;
        _mediaAgent = CommonOptions.MediaAgent(environment);
        Options.Add(_mediaAgent);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var agent = _agents.MediaAgent(parseResult.GetRequiredValue(_mediaAgent));
        var response = await agent.CallAsync((client, options) =>
            client.ListCopiesAsync(new ListCopiesRequest(), options), cancellationToken).ConfigureAwait(false);
        if (response.Copies.Count == 0)
        {
            _environment.Output.WriteLine($"no copies on the media agent at {agent.Endpoint.Display}");
            return ExitCodes.Success;
        }

        var table = new Table().AddColumns("Name", "Disk size", "Allocated", "Created (UTC)", "Format");
        foreach (var column in table.Columns.Skip(1).Take(2))
            column.RightAligned();
        foreach (var copy in response.Copies.OrderBy(c => c.Name, StringComparer.Ordinal))
            table.AddRow(Markup.Escape(copy.Name), ByteSize.Format(copy.DiskSize), ByteSize.Format(copy.AllocatedBytes),
                Created(copy), Markup.Escape(copy.SourceFormat));
        _environment.Console.Write(table);
        return ExitCodes.Success;
    }

    private static string Created(CopyDescription copy) => copy.Created is null
        ? "-"
        : copy.Created.ToDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
