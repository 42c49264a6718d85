namespace RestoreAgents.Cloud;

/// <summary>A range of a page blob that holds written pages (as Get Page Ranges reports it).</summary>
public readonly record struct BlobPageRange(long Offset, long Length)
{
    public long End => Offset + Length;
}
