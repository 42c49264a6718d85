using System.Buffers;

namespace RestoreAgents.Caching;

// Giving pages slots: pinning, waiting for a free slot (backpressure), re-opening pages that left, early flush.
public sealed partial class PageCache
{
    private enum AcquireOutcome
    {
        Pinned,
        MustLoad,
        MustWait,
    }

    /// <summary>Pins the page's slot for a write, giving it a slot first; the fast path allocates nothing.</summary>
    private ValueTask<PageSlot> AcquireAsync(long page, bool async, CancellationToken cancellationToken)
    {
        AcquireOutcome outcome;
        PageSlot? slot, wanted = null;
        Task? changed;
        lock (_gate) outcome = TryAcquireLocked(page, ref wanted, out slot, out changed);
        return outcome == AcquireOutcome.Pinned
            ? ValueTask.FromResult(slot!)
            : AcquireSlowlyAsync(page, outcome, slot, wanted, changed, async, cancellationToken);
    }

    private async ValueTask<PageSlot> AcquireSlowlyAsync(long page, AcquireOutcome outcome, PageSlot? slot,
        PageSlot? wanted, Task? changed, bool async, CancellationToken cancellationToken)
    {
        if (outcome == AcquireOutcome.MustWait)
        {
            var wait = BeginSlotWait(page);
            try
            {
                do
                {
                    await WaitForSignalAsync(changed!, async, cancellationToken).ConfigureAwait(false);
                    lock (_gate) outcome = TryAcquireLocked(page, ref wanted, out slot, out changed);
                } while (outcome == AcquireOutcome.MustWait);
            }
            finally
            {
                EndSlotWait(wait, wanted);
            }
        }
        if (outcome == AcquireOutcome.MustLoad)
            await LoadAsync(slot!, async, cancellationToken).ConfigureAwait(false);
        return slot!;
    }

    /// <param name="wanted">The uploading slot this writer waits for, if any: given back on every new look.</param>
    private AcquireOutcome TryAcquireLocked(long page, ref PageSlot? wanted, out PageSlot? slot, out Task? changed)
    {
        if (wanted is not null)
        {
            wanted.Wanters--;
            wanted = null;
        }
        ThrowIfUnusableLocked();
        changed = null;
        if (_slotByPage.TryGetValue(page, out slot))
        {
            if (slot.State == PageSlotState.Filling)
            {
                slot.Pins++;
                return AcquireOutcome.Pinned;
            }
            // Uploading: keep the slot (and its bytes) for this page when the blob acknowledges.
            if (slot.State == PageSlotState.Uploading)
            {
                slot.Wanters++;
                wanted = slot;
            }
        }
        else if (_freeSlots.TryPop(out slot))
        {
            slot.Pins++;
            return AssignLocked(slot, page) ? AcquireOutcome.MustLoad : AcquireOutcome.Pinned;
        }
        else
        {
            FlushOneEarlyIfStuckLocked();
        }
        slot = null;
        changed = ChangedLocked();
        return AcquireOutcome.MustWait;
    }

    /// <summary>Gives a free slot to a page; true when the page's uploaded bytes must be loaded into it first.</summary>
    private bool AssignLocked(PageSlot slot, long page)
    {
        long pageStart = page * _pageSize;
        int length = PageLength(page);
        slot.Page = page;
        slot.Length = length;
        slot.Version++;
        slot.LastWrite = ++_writeClock;
        _slotByPage.Add(page, slot);
        _slotsInUse++;
        _metrics?.SlotTaken();
        _peakSlotsInUse = Math.Max(_peakSlotsInUse, _slotsInUse);

        if (_completedPages.Contains(page)) slot.Filled.Add(0, length);
        else if (_partialPages.TryGetValue(page, out var known)) slot.Filled.CopyFrom(known);
        slot.Filled.AddOverlapping(_zeroRanges, pageStart, pageStart + length);

        if (!_touchedPages.Contains(page))
        {
            _touchedPages.Add(page, page + 1);
            // Counted as a skipped hole when it was declared; it gets data after all.
            if (_zeroRanges.Covers(pageStart, pageStart + length)) _pagesSkippedZero--;
        }

        if (!_pagesWithData.Contains(page))
        {
            slot.State = PageSlotState.Filling;
            return false;
        }
        slot.State = PageSlotState.Loading;
        _loading++;
        return true;
    }

    private void FreeSlotLocked(PageSlot slot)
    {
        _slotByPage.Remove(slot.Page);
        slot.Reset();
        _freeSlots.Push(slot);
        _slotsInUse--;
        _metrics?.SlotsFreed(1);
    }

    /// <summary>Ends a write's pin; a page that is now full goes to the upload queue.</summary>
    private void Release(PageSlot slot, int start, int count, bool written)
    {
        lock (_gate)
        {
            slot.Pins--;
            if (written)
            {
                slot.Written.Add(start, start + count);
                slot.Filled.Add(start, start + count);
                slot.LastWrite = ++_writeClock;
                _bytesWritten += count;
            }
            if (slot.Pins > 0 || slot.State != PageSlotState.Filling) return;
            if (slot.IsFull || slot.UploadWhenUnpinned) StartUploadLocked(slot, early: false);
            else SignalLocked(); // a writer waiting for a slot may now flush this partial page early
        }
    }

    /// <summary>
    /// When every slot holds a partial page and nothing is uploading or loading, no slot would ever come free:
    /// upload the least recently written partial page early instead of deadlocking.
    /// </summary>
    private void FlushOneEarlyIfStuckLocked()
    {
        if (_uploading > 0 || _loading > 0) return;
        PageSlot? oldest = null;
        foreach (var slot in _slots)
        {
            if (slot.State == PageSlotState.Filling && slot.Pins == 0 && slot.Wanters == 0 &&
                (oldest is null || slot.LastWrite < oldest.LastWrite))
                oldest = slot;
        }
        if (oldest is null) return; // every slot is being written to; its writer's release wakes us
        _earlyFlushes++;
        _metrics?.EarlyFlush();
        StartUploadLocked(oldest, early: true);
    }

    /// <summary>Re-opens a page that left the cache with data: its slot starts as the blob's copy of the page.</summary>
    private async ValueTask LoadAsync(PageSlot slot, bool async, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(slot.Length);
        try
        {
            var page = buffer.AsMemory(0, slot.Length);
            await ReadBlobAsync(slot.Page * _pageSize, page, async, cancellationToken).ConfigureAwait(false);
            await _file.WriteAsync(slot.FileOffset, page, async).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate) AbandonLoadLocked(slot);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        lock (_gate) FinishLoadLocked(slot);
    }

    private void FinishLoadLocked(PageSlot slot)
    {
        slot.Written.Add(0, slot.Length);
        slot.State = PageSlotState.Filling;
        _loading--;
        SignalLocked();
    }

    private void AbandonLoadLocked(PageSlot slot)
    {
        _loading--;
        FreeSlotLocked(slot);
        SignalLocked();
    }

    private readonly record struct SlotWait(long Started, Telemetry.SpanBudget.BudgetedSpan? Span);

    private SlotWait BeginSlotWait(long page)
    {
        lock (_gate) _slotWaits++;
        // The first few waits of a cache get a span, so a trace shows one; all of them go into the histogram.
        var span = _slotWaitSpans.Start(new(Telemetry.TelemetryAttributes.CacheName, Name),
            new(Telemetry.TelemetryAttributes.PageOffset, page * _pageSize));
        return new SlotWait(_time.GetTimestamp(), span);
    }

    /// <param name="wanted">The slot this writer still waits for when it gives up (cancelled): let it go.</param>
    private void EndSlotWait(SlotWait wait, PageSlot? wanted)
    {
        var waited = _time.GetElapsedTime(wait.Started);
        lock (_gate)
        {
            _slotWaitTime += waited;
            if (wanted is not null)
            {
                wanted.Wanters--;
                SignalLocked();
            }
        }
        wait.Span?.Dispose();
        _metrics?.RecordSlotWait(waited);
    }
}
