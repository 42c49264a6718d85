namespace RestoreAgents.PseudoDisk;

/// <summary>A disk of that name is already in the folder of the mount.</summary>
public sealed class DiskAlreadyExistsException : InvalidOperationException
{
    public DiskAlreadyExistsException(string path)
        : base($"'{path}' already exists in the pseudo-disk: remove it first or choose another name")
    {
        Path = path;
    }

    public string Path { get; }
}
