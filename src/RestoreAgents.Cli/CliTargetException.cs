namespace RestoreAgents.Cli;

/// <summary>
/// The command's target is not as it needs (exit code 5): it exists and --overwrite was not given, or its
/// container is missing. Nothing was changed; the message names the option that fixes it.
/// </summary>
public sealed class CliTargetException(string message, Exception? inner = null) : Exception(message, inner);
