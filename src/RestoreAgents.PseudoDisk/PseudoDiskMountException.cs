namespace RestoreAgents.PseudoDisk;

/// <summary>Mounting or unmounting the pseudo-disk at a path failed.</summary>
public sealed class PseudoDiskMountException : Exception
{
    public PseudoDiskMountException(string mountPath, string message, Exception? innerException = null)
        : base($"pseudo-disk at '{mountPath}': {message}", innerException)
    {
        MountPath = mountPath;
    }

    public string MountPath { get; }
}
