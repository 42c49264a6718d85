using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using RestoreAgents.Cli.Agents;
using RestoreAgents.Cli.Commands;

namespace RestoreAgents.Cli;

/// <summary>restorectl: the command tree, and one run of it with restorectl's exit codes and one-line errors.</summary>
public static class Restorectl
{
    public static RootCommand CreateRootCommand(CliEnvironment environment, AgentClientFactory agents) =>
        CreateRootCommand(environment, agents, new ClientCertificateOptions(environment));

    private static RootCommand CreateRootCommand(CliEnvironment environment, AgentClientFactory agents,
        ClientCertificateOptions certificates)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(agents);
        var root = new RootCommand(
            "restorectl: back up disk images, then restore them from a media agent through a data agent into "
            + "Azure page blobs (fixed VHDs), watching progress; or mount a container as a folder of disks.")
        {
            new BackupCommand(environment),
            new CopiesCommand(environment, agents),
            new RestoreCommand(environment, agents),
            new StatusCommand(environment, agents),
            new WatchCommand(environment, agents),
            new CancelCommand(environment, agents),
            new ResumeCommand(environment, agents),
            new DiscardCommand(environment, agents),
            new DownloadCommand(environment),
            new MountCommand(environment),
            new CertsCommand(environment),
        };
        root.Options.Add(certificates.Certificate);
        root.Options.Add(certificates.Key);
        root.Options.Add(certificates.Ca);
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new ExitCodesHelpAction((HelpAction)help.Action!);
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    /// <param name="agents">The agent clients to use (and keep); by default, ones made and disposed here.</param>
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, AgentClientFactory? agents = null,
        bool handleProcessTermination = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        using var ownAgents = agents is null ? new AgentClientFactory() : null;
        var certificates = new ClientCertificateOptions(environment);
        var root = CreateRootCommand(environment, agents ?? ownAgents!, certificates);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0 && parseResult.Action is ParseErrorAction)
        {
            var command = string.Join(' ', CommandPath(parseResult));
            CliErrors.Write(environment.Error, string.Join("; ", parseResult.Errors.Select(e => e.Message.TrimEnd('.')))
                + $" (see '{command} --help')");
            return ExitCodes.Usage;
        }

        (agents ?? ownAgents!).UseCertificates(certificates.Resolve(parseResult));
        var configuration = new InvocationConfiguration
        {
            Output = environment.Output,
            Error = environment.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null, // signals are ours (below), so an interrupt is known as one
        };
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var signals = handleProcessTermination ? new TerminationSignals(interrupt) : null;
        using var export = CliTelemetry.StartExport(environment);
        using var activity = CliTelemetry.StartCommand(parseResult.CommandResult.Command.Name, environment);
        try
        {
            return await parseResult.InvokeAsync(configuration, interrupt.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var (exitCode, message) = CliErrors.Describe(e, interrupt.Token);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, message);
            CliErrors.Write(environment.Error, message);
            return exitCode;
        }
    }

    private static IEnumerable<string> CommandPath(ParseResult parseResult)
    {
        var names = new Stack<string>();
        for (var result = parseResult.CommandResult; result is not null;
             result = result.Parent as System.CommandLine.Parsing.CommandResult)
            names.Push(result.Command is RootCommand ? "restorectl" : result.Command.Name);
        return names;
    }
}
