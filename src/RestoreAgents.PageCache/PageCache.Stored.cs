namespace RestoreAgents.PageCache;

// A store that already holds a disk (a page blob written earlier): its data reads back, and a page partly
// overwritten is loaded first, so the rest of it is kept rather than uploaded as zeros.
public sealed partial class PageCache
{
    /// <summary>
    /// Declares that the store already holds data in [offset, offset + length), e.g. the page ranges Azure lists
    /// for an existing blob. Call it before the first write to those pages.
    /// </summary>
    /// <exception cref="InvalidOperationException">A page in the range is already in the cache.</exception>
    public void DeclareStored(long offset, long length)
    {
        CheckRange(offset, length, "stored range");
        if (length == 0) return;
        long firstPage = offset / _pageSize;
        long endPage = (offset + length + _pageSize - 1) / _pageSize;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var page in _slotByPage.Keys)
            {
                if (page >= firstPage && page < endPage)
                    throw new InvalidOperationException(
                        $"page {page} of '{Name}' is already in the cache; declare stored data before writing");
            }
            _pagesWithData.Add(firstPage, endPage);
        }
    }
}
