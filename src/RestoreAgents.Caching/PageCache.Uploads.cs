using System.Buffers;
using RestoreAgents.Telemetry;

namespace RestoreAgents.Caching;

// Uploading: the queue of pages, the upload workers, and flushing the partial pages when the stream ends.
public sealed partial class PageCache
{
    private enum UploadOutcome
    {
        Uploaded,
        SkippedZero,
        Cleared,
    }

    /// <summary>
    /// Uploads every partly filled page and waits until every upload is acknowledged. Call it when the stream
    /// ends: then the blob holds the whole disk.
    /// </summary>
    /// <exception cref="PageUploadException">An upload failed (the first failure is reported).</exception>
    public Task FlushAsync(CancellationToken cancellationToken = default) =>
        FlushCoreAsync(async: true, cancellationToken);

    /// <summary>
    /// The same as <see cref="FlushAsync"/>, synchronous: a FUSE thread waits here for the uploads as close(2) or
    /// fsync(2) waits for it; the uploads themselves run on the cache's uploaders.
    /// </summary>
    public void Flush(CancellationToken cancellationToken = default) =>
        FlushCoreAsync(async: false, cancellationToken).EnsureCompleted();

    private async Task FlushCoreAsync(bool async, CancellationToken cancellationToken)
    {
        var first = true;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                ThrowIfCancelledLocked(); // a cancelled restore uploads nothing more, partial pages included
                // Again whenever nothing is in flight, so pages written during the flush are not left behind.
                if (_failureCause is null && (first || _uploading == 0)) QueuePartialPagesLocked();
                first = false;
                if (_uploading == 0 && (_failureCause is not null || _slotsInUse == 0))
                {
                    ThrowIfUnusableLocked();
                    return;
                }
                changed = ChangedLocked();
            }
            await WaitForSignalAsync(changed, async, cancellationToken).ConfigureAwait(false);
        }
    }

    private void QueuePartialPagesLocked()
    {
        foreach (var slot in _slots)
        {
            if (slot.State == PageSlotState.Filling && slot.Pins == 0) StartUploadLocked(slot, early: false);
            else if (slot.State is PageSlotState.Filling or PageSlotState.Loading) slot.UploadWhenUnpinned = true;
        }
    }

    private void StartUploadLocked(PageSlot slot, bool early)
    {
        slot.State = PageSlotState.Uploading;
        slot.UploadWhenUnpinned = false;
        slot.FlushedEarly = early;
        _uploading++;
        // The queue holds one entry per slot at most, so this fails only once disposal or a cancel closed it.
        if (!_uploadQueue.Writer.TryWrite(slot) && !_disposed && !_cancelled)
            throw new InvalidOperationException($"the upload queue of page cache '{Name}' refused page {slot.Page}");
    }

    private async Task RunUploaderAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            await foreach (var slot in _uploadQueue.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
                await UploadAsync(slot, stopping).ConfigureAwait(false);
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // disposed: whatever the blob threw on cancellation, the worker just ends
        }
    }

    private async Task UploadAsync(PageSlot slot, CancellationToken stopping)
    {
        long page;
        int length, writtenCount, knownCount = 0;
        bool blobHasData, early;
        LongRange[] written;
        LongRange[]? known = null;
        lock (_gate)
        {
            page = slot.Page;
            length = slot.Length;
            early = slot.FlushedEarly;
            blobHasData = _pagesWithData.Contains(page);
            writtenCount = slot.Written.Count;
            written = ArrayPool<LongRange>.Shared.Rent(Math.Max(1, writtenCount));
            slot.Written.CopyOverlapping(0, length, written);
            if (_pageCheck is not null)
            {
                known = ArrayPool<LongRange>.Shared.Rent(Math.Max(1, slot.Filled.Count));
                knownCount = slot.Filled.CopyOverlapping(0, length, known);
            }
        }

        long offset = page * _pageSize;
        long started = _time.GetTimestamp();
        // A few uploads per cache get a span (with the Put Page spans beneath); the rest only the histogram.
        using var span = _uploadSpans.Start(new(TelemetryAttributes.CacheName, Name),
            new(TelemetryAttributes.BlobUrl, _blob.Name), new(TelemetryAttributes.PageOffset, offset),
            new(TelemetryAttributes.PageBytes, length), new(TelemetryAttributes.PageEarlyFlush, early));

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        var outcome = UploadOutcome.SkippedZero;
        Exception? failure = null;
        try
        {
            var bytes = buffer.AsMemory(0, length);
            await _file.ReadPageAsync(slot.FileOffset, 0, bytes, written.AsMemory(0, writtenCount), async: true,
                stopping).ConfigureAwait(false);
            // The very bytes that go up, from this buffer, after the check: nothing can change them in between.
            _pageCheck?.Check(offset, bytes.Span, known.AsSpan(0, knownCount));
            if (bytes.Span.ContainsAnyExcept((byte)0))
            {
                await _blob.WritePagesAsync(offset, bytes, stopping).ConfigureAwait(false);
                outcome = UploadOutcome.Uploaded;
            }
            else if (blobHasData)
            {
                // A new page blob reads as zeros, so only a page that held data needs clearing.
                await _blob.ClearPagesAsync(offset, length, stopping).ConfigureAwait(false);
                outcome = UploadOutcome.Cleared;
            }
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            failure = e;
            span?.Fail(e, new(TelemetryAttributes.BlobUrl, _blob.Name), new(TelemetryAttributes.PageOffset, offset));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<LongRange>.Shared.Return(written);
            if (known is not null) ArrayPool<LongRange>.Shared.Return(known);
        }

        var outcomeName = failure is not null ? "failed" : outcome switch
        {
            UploadOutcome.Uploaded => "uploaded",
            UploadOutcome.Cleared => "cleared",
            _ => "skipped_zero",
        };
        span?.Activity?.SetTag(TelemetryAttributes.Outcome, outcomeName);
        span?.Dispose(); // the span ends before a flush waiting on this page can return
        _metrics?.RecordUpload(_time.GetElapsedTime(started), outcomeName,
            failure is null && outcome == UploadOutcome.Uploaded ? length : 0, failure);
        lock (_gate) FinishUploadLocked(slot, outcome, failure);
    }

    private void FinishUploadLocked(PageSlot slot, UploadOutcome outcome, Exception? failure)
    {
        _uploading--;
        long page = slot.Page;
        if (failure is not null)
        {
            if (_failureCause is null)
            {
                _failureCause = failure;
                _failedPageOffset = page * _pageSize;
            }
            // The restore has failed; free the slot so that waiting writers wake up to the failure.
            FreeSlotLocked(slot);
            SignalLocked();
            return;
        }

        switch (outcome)
        {
            case UploadOutcome.Uploaded:
                _pagesWithData.Add(page, page + 1);
                _pagesUploaded++;
                _bytesUploaded += slot.Length;
                break;
            case UploadOutcome.Cleared:
                _pagesWithData.Remove(page, page + 1);
                _pagesSkippedZero++;
                break;
            default:
                _pagesSkippedZero++;
                break;
        }
        RememberLocked(slot);

        if (slot.Wanters > 0)
        {
            // Writers wait for this very page: it keeps its slot and bytes, no need to read them back.
            slot.FlushedEarly = false;
            slot.State = PageSlotState.Filling;
            slot.LastWrite = ++_writeClock;
        }
        else
        {
            FreeSlotLocked(slot);
        }
        SignalLocked();
    }

    /// <summary>Keeps which bytes of a page are known as it leaves its slot, for when it comes back.</summary>
    private void RememberLocked(PageSlot slot)
    {
        if (slot.IsFull)
        {
            _completedPages.Add(slot.Page, slot.Page + 1);
            _partialPages.Remove(slot.Page);
            return;
        }
        if (!_partialPages.TryGetValue(slot.Page, out var known))
            _partialPages.Add(slot.Page, known = new RangeSet());
        known.CopyFrom(slot.Filled);
    }
}
