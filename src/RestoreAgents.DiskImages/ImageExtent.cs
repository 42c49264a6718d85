namespace RestoreAgents.DiskImages;

/// <summary>A range of the virtual disk that an image's allocation map says holds data.</summary>
public readonly record struct ImageExtent(long Offset, long Length)
{
    public long End => Offset + Length;
}
