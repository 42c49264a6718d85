using System.Buffers;

namespace RestoreAgents.Caching;

// Reading the disk back (the pseudo-disk serves reads): from the slot, else the blob, else zeros.
public sealed partial class PageCache
{
    private enum ReadSource
    {
        Zeros,
        Blob,
        Slot,
    }

    /// <summary>The slot's written ranges at the moment a read chose it; the rest of the page reads as zeros.</summary>
    private readonly record struct SlotSnapshot(PageSlot Slot, long Version, LongRange[] Written, int Count);

    /// <summary>Reads up to the end of the disk; returns the bytes read (0 at the end).</summary>
    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ReadCoreAsync(offset, buffer, async: true, cancellationToken);

    /// <summary>
    /// The same as <see cref="ReadAsync"/>, synchronous: for native threads such as FUSE callbacks. A page that
    /// left the cache is read with the blob's synchronous <see cref="IPageBlob.Read"/>.
    /// </summary>
    public unsafe int Read(long offset, Span<byte> buffer, CancellationToken cancellationToken = default)
    {
        fixed (byte* pointer = buffer)
        {
            var lease = _pinnedSpans.Rent(pointer, buffer.Length);
            return _pinnedSpans.Return(lease, ReadCoreAsync(offset, lease.Memory, async: false, cancellationToken))
                .EnsureCompleted();
        }
    }

    private async ValueTask<int> ReadCoreAsync(long offset, Memory<byte> buffer, bool async,
        CancellationToken cancellationToken)
    {
        int total = ReadableLength(offset, buffer.Length);
        buffer = buffer[..total];
        while (!buffer.IsEmpty)
        {
            var (page, inPage, count) = Locate(offset, buffer.Length);
            await ReadPageAsync(page, inPage, buffer[..count], async, cancellationToken).ConfigureAwait(false);
            offset += count;
            buffer = buffer[count..];
        }
        return total;
    }

    private async ValueTask ReadPageAsync(long page, int inPage, Memory<byte> destination, bool async,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadSource source;
            SlotSnapshot snapshot;
            lock (_gate) source = ChooseReadSourceLocked(page, inPage, destination.Length, out snapshot);
            if (source == ReadSource.Zeros)
            {
                destination.Span.Clear();
                return;
            }
            if (source == ReadSource.Blob)
            {
                await ReadBlobAsync(page * _pageSize + inPage, destination, async, cancellationToken)
                    .ConfigureAwait(false);
                return;
            }
            try
            {
                await _file.ReadPageAsync(snapshot.Slot.FileOffset, inPage, destination,
                    snapshot.Written.AsMemory(0, snapshot.Count), async, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<LongRange>.Shared.Return(snapshot.Written);
            }
            if (StillHolds(snapshot)) return;
        }
    }

    private ReadSource ChooseReadSourceLocked(long page, int inPage, int length, out SlotSnapshot snapshot)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        snapshot = default;
        if (_slotByPage.TryGetValue(page, out var slot) &&
            slot.State is PageSlotState.Filling or PageSlotState.Uploading)
        {
            int count = slot.Written.CountOverlapping(inPage, inPage + length);
            var written = ArrayPool<LongRange>.Shared.Rent(Math.Max(1, count));
            slot.Written.CopyOverlapping(inPage, inPage + length, written);
            snapshot = new SlotSnapshot(slot, slot.Version, written, count);
            return ReadSource.Slot;
        }
        // A loading slot is being filled from the blob, so the blob has the page too.
        return _pagesWithData.Contains(page) ? ReadSource.Blob : ReadSource.Zeros;
    }

    /// <summary>The slot was not given to another page while we read it outside the lock.</summary>
    private bool StillHolds(SlotSnapshot snapshot)
    {
        lock (_gate) return snapshot.Slot.Version == snapshot.Version;
    }

    private int ReadableLength(long offset, int length)
    {
        if (offset < 0 || offset > DiskSize)
            throw new ArgumentOutOfRangeException(nameof(offset), offset,
                $"read at offset {offset} is outside disk '{Name}' of {DiskSize} bytes");
        return (int)Math.Min(length, DiskSize - offset);
    }

    private async ValueTask ReadBlobAsync(long offset, Memory<byte> destination, bool async,
        CancellationToken cancellationToken)
    {
        try
        {
            if (async) await _blob.ReadAsync(offset, destination, cancellationToken).ConfigureAwait(false);
            else _blob.Read(offset, destination, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new PageBlobReadException(offset, destination.Length, _blob.Name, e);
        }
    }
}
