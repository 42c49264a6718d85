namespace RestoreAgents.Caching;

// Declared zeros: ranges known to be zero (the holes of a copy) count as filled and never travel.
public sealed partial class PageCache
{
    /// <summary>
    /// Declares [offset, offset + length) as zeros that will not be written: they count as filled, so a page of
    /// data and holes goes up as soon as its data is in, and a page that is all holes never goes up at all.
    /// Declaring does not change bytes already written.
    /// </summary>
    public void DeclareZero(long offset, long length)
    {
        CheckRange(offset, length, "zero range");
        if (length == 0) return;
        long end = offset + length;
        long holePages;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            holePages = CountPagesBecomingHolesLocked(offset, end);
            _pagesSkippedZero += holePages;
            _zeroRanges.Add(offset, end);
            MarkZeroInCachedPagesLocked(offset, end);
            MarkZeroInPartialPagesLocked(offset, end);
        }
    }

    /// <summary>
    /// Pages that adding [start, end) makes wholly zero and that never had a slot: the whole pages of the merged
    /// range that were not already whole pages of one of the ranges it swallows.
    /// </summary>
    private long CountPagesBecomingHolesLocked(long start, long end)
    {
        int first = _zeroRanges.FirstEndingAtOrAfter(start);
        int last = first;
        long mergedStart = start, mergedEnd = end;
        while (last < _zeroRanges.Count && _zeroRanges[last].Start <= end)
        {
            mergedStart = Math.Min(mergedStart, _zeroRanges[last].Start);
            mergedEnd = Math.Max(mergedEnd, _zeroRanges[last].End);
            last++;
        }

        var (from, to) = WholePages(mergedStart, mergedEnd);
        long count = 0, cursor = from;
        for (int i = first; i < last; i++)
        {
            var (wholeFrom, wholeTo) = WholePages(_zeroRanges[i].Start, _zeroRanges[i].End);
            if (wholeFrom >= wholeTo) continue;
            count += UntouchedPages(cursor, wholeFrom);
            cursor = wholeTo;
        }
        return count + UntouchedPages(cursor, to);
    }

    /// <summary>The page numbers [from, to) of the pages lying wholly inside [start, end).</summary>
    private (long From, long To) WholePages(long start, long end)
    {
        long from = (start + _pageSize - 1) / _pageSize;
        long to = end >= DiskSize ? _pageCount : end / _pageSize; // the last page may be short
        return (from, Math.Max(from, to));
    }

    private long UntouchedPages(long from, long to) =>
        to <= from ? 0 : to - from - _touchedPages.OverlapLength(from, to);

    private void MarkZeroInCachedPagesLocked(long start, long end)
    {
        long firstPage = start / _pageSize, lastPage = (end - 1) / _pageSize;
        if (lastPage - firstPage < _slots.Length)
        {
            for (long page = firstPage; page <= lastPage; page++)
            {
                if (_slotByPage.TryGetValue(page, out var slot)) MarkZeroLocked(slot, start, end);
            }
            return;
        }
        foreach (var slot in _slots)
        {
            if (slot.State != PageSlotState.Free && slot.Page >= firstPage && slot.Page <= lastPage)
                MarkZeroLocked(slot, start, end);
        }
    }

    private void MarkZeroLocked(PageSlot slot, long start, long end)
    {
        long pageStart = slot.Page * _pageSize;
        slot.Filled.Add(Math.Max(start, pageStart) - pageStart, Math.Min(end, pageStart + slot.Length) - pageStart);
        if (slot.State == PageSlotState.Filling && slot.Pins == 0 && slot.IsFull)
            StartUploadLocked(slot, early: false);
    }

    private void MarkZeroInPartialPagesLocked(long start, long end)
    {
        foreach (var (page, known) in _partialPages)
        {
            long pageStart = page * _pageSize;
            int length = PageLength(page);
            if (pageStart >= end || pageStart + length <= start) continue;
            known.Add(Math.Max(start, pageStart) - pageStart, Math.Min(end, pageStart + length) - pageStart);
            if (!known.Covers(0, length)) continue;
            // Its unwritten bytes went up as zeros already: the blob holds the whole page.
            _partialPages.Remove(page);
            _completedPages.Add(page, page + 1);
        }
    }
}
