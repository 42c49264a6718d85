namespace RestoreAgents.Cli;

/// <summary>The command line cannot work as given (exit code 2); nothing was sent to any agent.</summary>
public sealed class CliUsageException(string message, Exception? inner = null) : Exception(message, inner);
