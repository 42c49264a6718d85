namespace RestoreAgents.PseudoDisk;

/// <summary>A folder of the pseudo-disk (a job's or a container's); the root is the folder named "".</summary>
internal sealed class DiskFolder(string name, bool madeInMount, DateTimeOffset created)
{
    public string Name { get; } = name;

    public Dictionary<string, DiskFile> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>Made by mkdir: it stays when empty. A folder made by AddDisk goes with its last disk.</summary>
    public bool MadeInMount { get; } = madeInMount;

    public DateTimeOffset Created { get; } = created;

    public PseudoDiskNode ToNode() => new(PseudoDiskNodeKind.Directory, 0, Created);
}
