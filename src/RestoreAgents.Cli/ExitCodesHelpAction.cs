using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace RestoreAgents.Cli;

/// <summary>The standard help, followed by the exit codes and environment variables restorectl understands.</summary>
internal sealed class ExitCodesHelpAction(HelpAction standardHelp) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        standardHelp.Invoke(parseResult);
        parseResult.InvocationConfiguration.Output.WriteLine(ExitCodes.HelpText);
        return ExitCodes.Success;
    }
}
