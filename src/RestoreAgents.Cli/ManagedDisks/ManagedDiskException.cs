namespace RestoreAgents.Cli.ManagedDisks;

/// <summary>The disk cannot take the upload (its state, or Azure refused a step); the message says which disk and why.</summary>
public sealed class ManagedDiskException(string message, Exception? inner = null) : Exception(message, inner);
