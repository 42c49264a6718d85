namespace RestoreAgents.Store;

/// <summary>A byte range of a disk.</summary>
public readonly record struct ByteRange(long Offset, long Length)
{
    public long End => Offset + Length;
}
