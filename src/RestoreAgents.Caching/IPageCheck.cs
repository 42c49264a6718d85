namespace RestoreAgents.Caching;

/// <summary>
/// Looks at every page the cache is about to send (or to skip as all zeros) before it goes: a restore proves each
/// page against its copy here. Called from several uploaders at once; a throw fails that page's upload, and so the
/// restore.
/// </summary>
public interface IPageCheck
{
    /// <param name="pageOffset">The page's offset on the disk (and in the blob).</param>
    /// <param name="page">The page's bytes as they go into the Put Page body; zeros when it is skipped.</param>
    /// <param name="known">Page-relative ranges, sorted, of the bytes that are final: written or declared zero. The
    /// rest of a page flushed early reads as zeros now and comes again when the page is complete.</param>
    void Check(long pageOffset, ReadOnlySpan<byte> page, ReadOnlySpan<LongRange> known);
}
