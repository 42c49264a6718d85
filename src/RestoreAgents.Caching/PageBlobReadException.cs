namespace RestoreAgents.Caching;

/// <summary>Bytes of an uploaded page could not be read back from the page blob.</summary>
public sealed class PageBlobReadException : Exception
{
    public PageBlobReadException(long offset, int length, string blobName, Exception innerException)
        : base($"reading {length} bytes at offset {offset} back from '{blobName}' failed: {innerException.Message}",
            innerException)
    {
        Offset = offset;
        Length = length;
        BlobName = blobName;
    }

    public long Offset { get; }

    public int Length { get; }

    public string BlobName { get; }
}
