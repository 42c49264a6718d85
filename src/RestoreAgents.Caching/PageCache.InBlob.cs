namespace RestoreAgents.Caching;

// Data the blob held before the cache: a cache over an existing page blob.
public sealed partial class PageCache
{
    /// <summary>
    /// Declares that the blob already holds data in [offset, offset + length), e.g. the written ranges of an
    /// existing page blob (Get Page Ranges). Every page the range touches is then read from the blob, and a
    /// write into such a page first loads the page from the blob, so the bytes the write does not cover keep
    /// their value when the page goes back up. Pages outside every declared range read as zeros, as before.
    /// </summary>
    /// <remarks>Declare before writing: a page that was already written to cannot be declared.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the disk.</exception>
    /// <exception cref="InvalidOperationException">A page of the range was already written to.</exception>
    public void DeclareInBlob(long offset, long length)
    {
        CheckRange(offset, length, "range in the blob");
        if (length == 0) return;
        long firstPage = offset / _pageSize;
        long endPage = (offset + length + _pageSize - 1) / _pageSize;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // A page in a slot (or that left one) has bytes of its own the blob's copy would overwrite or miss.
            if (_touchedPages.OverlapLength(firstPage, endPage) != 0)
                throw new InvalidOperationException(
                    $"range in the blob of {length} bytes at offset {offset} of '{Name}' covers pages already written "
                    + "to; declare what the blob holds before writing");
            _pagesWithData.Add(firstPage, endPage);
        }
    }
}
