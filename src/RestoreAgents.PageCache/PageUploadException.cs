namespace RestoreAgents.PageCache;

/// <summary>A page could not be written to (or cleared in) the page store; the restore cannot complete.</summary>
public sealed class PageUploadException : Exception
{
    public PageUploadException(long pageOffset, string storeName, Exception innerException)
        : base($"uploading the page at offset {pageOffset} to '{storeName}' failed: {innerException.Message}",
            innerException)
    {
        PageOffset = pageOffset;
        StoreName = storeName;
    }

    public long PageOffset { get; }

    public string StoreName { get; }
}
