namespace RestoreAgents.PseudoDisk;

/// <summary>What a path in the pseudo-disk is: a folder, or a disk file of a fixed length.</summary>
/// <param name="Kind">Folder or file.</param>
/// <param name="Length">Bytes of a file (its disk size); 0 for a folder.</param>
/// <param name="LastWriteTime">When the node was created or last written.</param>
public readonly record struct PseudoDiskNode(PseudoDiskNodeKind Kind, long Length, DateTimeOffset LastWriteTime)
{
    public bool IsDirectory => Kind == PseudoDiskNodeKind.Directory;
}
