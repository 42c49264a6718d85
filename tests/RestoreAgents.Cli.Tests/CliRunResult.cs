namespace RestoreAgents.Cli.Tests;

/// <summary>What one in-process run of restorectl returned and printed.</summary>
public sealed record CliRunResult(int ExitCode, string Output, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
