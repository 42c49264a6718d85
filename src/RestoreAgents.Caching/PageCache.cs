using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace RestoreAgents.Caching;

/// <summary>
/// A disk being restored, held in a few page-sized slots of one local file: each page goes to the page blob as
/// soon as it is full, and its slot is reused. Writes may come in any order, size and
/// alignment, from many threads; a full cache makes writers wait, never drops data.
/// </summary>
/// <remarks>
/// One lock guards the bookkeeping; copying bytes into the file happens outside it, with the slot pinned.
/// Each operation has one body behind its asynchronous and synchronous entry points (a <c>bool async</c>
/// switch, as in Azure.Storage.Blobs): the synchronous side, for FUSE threads, makes only synchronous file and
/// blob calls and blocks only while it waits for an event (a free slot, uploads drained).
/// The files PageCache.Slots.cs, .Uploads.cs, .Reads.cs and .Zeros.cs hold the rest of this class.
/// </remarks>
public sealed partial class PageCache : IAsyncDisposable, IDisposable
{
    /// <summary>More slots than this cost more memory in bookkeeping than they are worth: use larger pages.</summary>
    public const int MaxSlotCount = 1 << 20;

    private readonly IPageBlob _blob;
    private readonly TimeProvider _time;
    private readonly int _pageSize;
    private readonly long _pageCount;
    private readonly CacheFile _file;
    private readonly PageSlot[] _slots;
    private readonly Stack<PageSlot> _freeSlots;
    private readonly Dictionary<long, PageSlot> _slotByPage;
    private readonly Lock _gate = new();

    // What the cache remembers of the whole disk: byte ranges declared zero, and, by page number, what became
    // of pages that left their slot (so a page that gets more data later is re-opened correctly).
    private readonly RangeSet _zeroRanges = new();
    private readonly RangeSet _pagesWithData = new();
    private readonly RangeSet _completedPages = new();
    private readonly RangeSet _touchedPages = new();
    private readonly Dictionary<long, RangeSet> _partialPages = [];

    private readonly Channel<PageSlot> _uploadQueue;
    private readonly Task _uploadersEnded;
    private readonly PinnedSpans _pinnedSpans = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly PageCacheMetrics? _metrics;
    private readonly IPageCheck? _pageCheck;
    private readonly Telemetry.SpanBudget _uploadSpans;
    private readonly Telemetry.SpanBudget _slotWaitSpans;

    // Completed (and replaced) whenever a slot is freed, filled, released or fails: waiting writers look again.
    private TaskCompletionSource? _changed;
    private Exception? _failureCause;
    private long _failedPageOffset;
    private bool _disposed;
    private bool _cancelled;
    private int _uploading;
    private int _loading;
    private int _slotsInUse;
    private int _peakSlotsInUse;
    private long _writeClock;
    private long _bytesWritten;
    private long _pagesUploaded;
    private long _pagesSkippedZero;
    private long _bytesUploaded;
    private long _earlyFlushes;
    private long _slotWaits;
    private TimeSpan _slotWaitTime;

    /// <param name="options">Page size, capacity, folder and upload parallelism; validated here.</param>
    /// <param name="diskSize">Bytes of the disk: a multiple of 512, at most the blob's size.</param>
    /// <param name="blob">Where pages go, at the same offsets.</param>
    /// <param name="name">Names the cache in errors, traces and the cache file's name (e.g. the job id).</param>
    /// <param name="timeProvider">Clock for wait and upload times; the system clock by default.</param>
    /// <param name="metrics">The host's page cache instruments; none by default.</param>
    /// <param name="pageCheck">Sees each page's bytes before its upload (a restore's proof); none by default.</param>
    public PageCache(PageCacheOptions options, long diskSize, IPageBlob blob, string name,
        TimeProvider? timeProvider = null, PageCacheMetrics? metrics = null, IPageCheck? pageCheck = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentException.ThrowIfNullOrEmpty(name);
        options.Validate();
        if (diskSize < 0 || diskSize % PageBlobRules.SectorSize != 0)
            throw new ArgumentException(
                $"disk size {diskSize} of '{name}' is not a multiple of {PageBlobRules.SectorSize} bytes",
                nameof(diskSize));
        if (diskSize > blob.Size)
            throw new ArgumentException(
                $"disk size {diskSize} of '{name}' is larger than the page blob '{blob.Name}' of {blob.Size} bytes",
                nameof(diskSize));

        _blob = blob;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = metrics;
        _pageCheck = pageCheck;
        _uploadSpans = new Telemetry.SpanBudget(PageCacheTelemetry.Source, PageCacheTelemetry.PageUploadSpan,
            PageCacheTelemetry.SampledUploads, PageCacheTelemetry.SampledFailures, _time);
        _slotWaitSpans = new Telemetry.SpanBudget(PageCacheTelemetry.Source, PageCacheTelemetry.SlotWaitSpan,
            PageCacheTelemetry.SampledSlotWaits, failures: 0, _time);
        Name = name;
        DiskSize = diskSize;
        _pageSize = options.PageSize;
        _pageCount = (diskSize + _pageSize - 1) / _pageSize;

        // No more slots than the disk has pages: a small disk keeps a small file.
        long slotCount = Math.Min(options.CapacityBytes / _pageSize, Math.Max(1, _pageCount));
        if (slotCount > MaxSlotCount)
            throw new ArgumentException(
                $"cache capacity {options.CapacityBytes} bytes makes {slotCount} slots of {_pageSize} bytes for "
                + $"'{name}', more than {MaxSlotCount}: use a larger page size or a smaller cache",
                nameof(options));
        _slots = new PageSlot[slotCount];
        _freeSlots = new Stack<PageSlot>(_slots.Length);
        _slotByPage = new Dictionary<long, PageSlot>(_slots.Length);
        for (int i = _slots.Length - 1; i >= 0; i--)
        {
            _slots[i] = new PageSlot(i, (long)i * _pageSize);
            _freeSlots.Push(_slots[i]);
        }

        _file = new CacheFile(options.Directory, name);
        // Holds at most one entry per slot, so queueing under the lock never waits.
        _uploadQueue = Channel.CreateBounded<PageSlot>(new BoundedChannelOptions(_slots.Length)
        {
            FullMode = BoundedChannelFullMode.Wait,
        });
        var uploaders = new Task[options.UploadParallelism];
        for (int i = 0; i < uploaders.Length; i++)
            uploaders[i] = Task.Run(RunUploaderAsync);
        _uploadersEnded = Task.WhenAll(uploaders);
    }

    public string Name { get; }

    public long DiskSize { get; }

    public int PageSize => _pageSize;

    public int SlotCount => _slots.Length;

    /// <summary>The cache file (deleted on dispose); its size never exceeds SlotCount × PageSize.</summary>
    public string CacheFilePath => _file.Path;

    /// <summary>
    /// The pages (by number, ascending ranges) the blob holds data in as far as the cache knows: uploaded with data,
    /// or declared in the blob, and not cleared since. After a flush, a restore's blob must list exactly these.
    /// </summary>
    public IReadOnlyList<LongRange> PagesHoldingData()
    {
        lock (_gate)
        {
            var pages = new LongRange[_pagesWithData.Count];
            for (int i = 0; i < pages.Length; i++) pages[i] = _pagesWithData[i];
            return pages;
        }
    }

    public PageCacheStatistics Statistics
    {
        get
        {
            lock (_gate)
            {
                return new PageCacheStatistics
                {
                    BytesWritten = _bytesWritten,
                    PagesUploaded = _pagesUploaded,
                    PagesSkippedZero = _pagesSkippedZero,
                    BytesUploaded = _bytesUploaded,
                    EarlyFlushes = _earlyFlushes,
                    SlotWaits = _slotWaits,
                    SlotWaitTime = _slotWaitTime,
                    SlotsInUse = _slotsInUse,
                    UploadsWithoutSpan = _uploadSpans.Unsampled,
                    PeakSlotsInUse = _peakSlotsInUse,
                    SlotCount = _slots.Length,
                };
            }
        }
    }

    /// <summary>Writes bytes at any offset and length inside the disk; waits while no slot is free.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the disk.</exception>
    /// <exception cref="PageUploadException">An earlier upload failed; the restore cannot complete.</exception>
    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(offset, data, async: true, cancellationToken);

    /// <summary>
    /// The same as <see cref="WriteAsync"/>, synchronous: for native threads such as FUSE callbacks. It blocks only
    /// while it waits for a free slot; the file and blob I/O beneath it are synchronous calls.
    /// </summary>
    public unsafe void Write(long offset, ReadOnlySpan<byte> data, CancellationToken cancellationToken = default)
    {
        fixed (byte* pointer = data)
        {
            var lease = _pinnedSpans.Rent(pointer, data.Length);
            _pinnedSpans.Return(lease, WriteCoreAsync(offset, lease.Memory, async: false, cancellationToken))
                .EnsureCompleted();
        }
    }

    /// <summary>
    /// Gives the restore up: uploads in flight are cancelled, every writer and flush waiting in the cache (a FUSE
    /// thread among them, whose pwrite no token can reach) ends with <see cref="OperationCanceledException"/>, and
    /// nothing more is uploaded: what the cache holds is dropped with it. Dispose still follows. It only signals,
    /// so it may run in a cancellation callback, at any time, more than once.
    /// </summary>
    public void Cancel()
    {
        lock (_gate)
        {
            if (_disposed || _cancelled) return;
            _cancelled = true;
            _uploadQueue.Writer.TryComplete();
            SignalLocked();
        }
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // disposed since the lock was left: its uploads are stopped already
        }
    }

    public ValueTask DisposeAsync() => DisposeCoreAsync(async: true);

    /// <summary>The same as <see cref="DisposeAsync"/>, synchronous: for a FUSE thread deleting a disk.</summary>
    public void Dispose() => DisposeCoreAsync(async: false).EnsureCompleted();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteCoreAsync(long offset, ReadOnlyMemory<byte> data, bool async,
        CancellationToken cancellationToken)
    {
        CheckRange(offset, data.Length, "write");
        while (!data.IsEmpty)
        {
            var (page, inPage, count) = Locate(offset, data.Length);
            var slot = await AcquireAsync(page, async, cancellationToken).ConfigureAwait(false);
            var written = false;
            try
            {
                // Not cancellable: a half-copied range would be marked neither written nor unwritten.
                await _file.WriteAsync(slot.FileOffset + inPage, data[..count], async).ConfigureAwait(false);
                written = true;
            }
            finally
            {
                Release(slot, inPage, count, written);
            }
            offset += count;
            data = data[count..];
        }
    }

    private async ValueTask DisposeCoreAsync(bool async)
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _uploadQueue.Writer.TryComplete();
            SignalLocked();
        }
        // Pages not flushed by now are abandoned with the cache: stop in-flight uploads rather than wait on them.
        if (async) await _stopping.CancelAsync().ConfigureAwait(false);
        else _stopping.Cancel();
        await WaitForSignalAsync(_uploadersEnded, async, CancellationToken.None).ConfigureAwait(false);
        lock (_gate) _metrics?.SlotsFreed(_slotsInUse); // the slots go with the cache
        _file.Dispose();
        _stopping.Dispose();
    }

    private int PageLength(long page) => (int)Math.Min(_pageSize, DiskSize - page * _pageSize);

    /// <summary>The page holding <paramref name="offset"/>, the offset inside it, and how much of a range fits.</summary>
    private (long Page, int InPage, int Count) Locate(long offset, int length)
    {
        long page = offset / _pageSize;
        int inPage = (int)(offset - page * _pageSize);
        return (page, inPage, Math.Min(length, PageLength(page) - inPage));
    }

    private void CheckRange(long offset, long length, string what)
    {
        if (offset < 0 || length < 0 || offset > DiskSize - length)
            throw new ArgumentOutOfRangeException(nameof(offset), offset,
                $"{what} of {length} bytes at offset {offset} is outside disk '{Name}' of {DiskSize} bytes");
    }

    private void ThrowIfUnusableLocked()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfCancelledLocked();
        if (_failureCause is not null)
            throw new PageUploadException(_failedPageOffset, _blob.Name, _failureCause);
    }

    private void ThrowIfCancelledLocked()
    {
        if (_cancelled)
            throw new OperationCanceledException($"page cache '{Name}' was cancelled: its restore was given up");
    }

    /// <summary>
    /// Waits for an event: <paramref name="signal"/> is the cache's change signal or the end of its uploaders,
    /// never I/O that the waiter would have to drive. So a synchronous caller may block on it: a FUSE worker
    /// thread is there to wait (the kernel holds the writer meanwhile), while the uploaders do the I/O.
    /// </summary>
    private static ValueTask WaitForSignalAsync(Task signal, bool async, CancellationToken cancellationToken)
    {
        if (async) return new ValueTask(signal.WaitAsync(cancellationToken));
        try
        {
            signal.Wait(cancellationToken); // a pure event wait, see above
        }
        catch (AggregateException)
        {
            // the signal failed: awaiting it below rethrows its own exception, as the asynchronous wait does
        }
        return new ValueTask(signal);
    }

    private Task ChangedLocked() =>
        (_changed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private void SignalLocked()
    {
        if (_changed is not { } changed) return;
        _changed = null;
        changed.TrySetResult();
    }
}
