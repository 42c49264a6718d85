namespace RestoreAgents.PageCache;

/// <summary>Bytes of an uploaded page could not be read back from the page store.</summary>
public sealed class PageStoreReadException : Exception
{
    public PageStoreReadException(long offset, int length, string storeName, Exception innerException)
        : base($"reading {length} bytes at offset {offset} back from '{storeName}' failed: {innerException.Message}",
            innerException)
    {
        Offset = offset;
        Length = length;
        StoreName = storeName;
    }

    public long Offset { get; }

    public int Length { get; }

    public string StoreName { get; }
}
