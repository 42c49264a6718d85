namespace RestoreAgents.Caching;

/// <summary>A page could not be written to (or cleared in) the page blob; the restore cannot complete.</summary>
public sealed class PageUploadException : Exception
{
    public PageUploadException(long pageOffset, string blobName, Exception innerException)
        : base($"uploading the page at offset {pageOffset} to '{blobName}' failed: {innerException.Message}",
            innerException)
    {
        PageOffset = pageOffset;
        BlobName = blobName;
    }

    public long PageOffset { get; }

    public string BlobName { get; }
}
