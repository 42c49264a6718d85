namespace RestoreAgents.Caching.Tests;

internal enum StoreCallKind
{
    Write,
    Clear,
}

internal readonly record struct StoreCall(StoreCallKind Kind, long Offset, long Length);

/// <summary>
/// A page blob in memory that checks every call the way Azure does (512-byte aligned, at most 4 MiB per Put
/// Page, inside the blob), records the calls it completed, and can hold writes back or fail them. Its asynchronous
/// calls complete on another thread, so a synchronous caller that used them would be caught.
/// </summary>
internal sealed class MemoryPageBlob : IPageBlob
{
    private readonly byte[] _bytes;
    private readonly Lock _gate = new();
    private readonly List<StoreCall> _calls = [];
    private readonly Dictionary<long, Exception> _failures = [];
    private readonly List<(Func<bool> Condition, TaskCompletionSource Reached)> _watchers = [];
    private TaskCompletionSource? _hold;
    private int _writesStarted;
    private int _writesCancelled;
    private int _reads;
    private int _synchronousReads;

    public MemoryPageBlob(long size, string name = "memory://restoreagents-test/disk.vhd")
    {
        _bytes = new byte[size];
        Name = name;
    }

    public long Size => _bytes.Length;

    public string Name { get; }

    /// <summary>Runs as each write starts, before it is held or applied (e.g. to measure the cache folder).</summary>
    public Action<long>? OnWriteStarted { get; set; }

    public IReadOnlyList<StoreCall> Calls { get { lock (_gate) return [.. _calls]; } }

    public int WritesStarted { get { lock (_gate) return _writesStarted; } }

    /// <summary>Held writes that ended because their token was cancelled (as an HTTP request is aborted).</summary>
    public int WritesCancelled { get { lock (_gate) return _writesCancelled; } }

    public int Reads { get { lock (_gate) return _reads; } }

    /// <summary>Reads through <see cref="Read"/>, the synchronous call (the rest went through ReadAsync).</summary>
    public int SynchronousReads { get { lock (_gate) return _synchronousReads; } }

    public byte[] Contents() { lock (_gate) return (byte[])_bytes.Clone(); }

    public int WritesAt(long offset) => Calls.Count(c => c.Kind == StoreCallKind.Write && c.Offset == offset);

    /// <summary>Writes started from now on wait until <see cref="ReleaseWrites"/>.</summary>
    public void HoldWrites() { lock (_gate) _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously); }

    public void ReleaseWrites()
    {
        TaskCompletionSource? hold;
        lock (_gate) (hold, _hold) = (_hold, null);
        hold?.TrySetResult();
    }

    public void FailWritesAt(long offset, Exception failure) { lock (_gate) _failures[offset] = failure; }

    /// <summary>Completes once the condition holds (checked after every call starts or ends).</summary>
    public Task When(Func<MemoryPageBlob, bool> condition)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate) _watchers.Add((() => condition(this), reached));
        Notify();
        return reached.Task.WaitAsync(HangGuard.Timeout);
    }

    public Task WhenWritten(long offset, int times = 1) => When(store => store.WritesAt(offset) >= times);

    public async ValueTask WritePagesAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        PageBlobRules.ValidatePutPage(offset, data.Length, Size, Name);
        Task? hold;
        Exception? failure;
        lock (_gate)
        {
            _writesStarted++;
            hold = _hold?.Task;
            _failures.TryGetValue(offset, out failure);
        }
        OnWriteStarted?.Invoke(offset);
        Notify();
        if (hold is not null)
        {
            try
            {
                await hold.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                lock (_gate) _writesCancelled++;
                Notify();
                throw;
            }
        }
        await Task.Yield(); // answer from another thread, as a network store does
        if (failure is not null) throw failure;
        lock (_gate)
        {
            data.Span.CopyTo(_bytes.AsSpan((int)offset));
            _calls.Add(new StoreCall(StoreCallKind.Write, offset, data.Length));
        }
        Notify();
    }

    public async ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        PageBlobRules.ValidateRange("read", offset, buffer.Length, Size, Name);
        await Task.Yield(); // answer from another thread, as a network blob does
        Copy(offset, buffer.Span, synchronous: false);
    }

    public void Read(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        PageBlobRules.ValidateRange("read", offset, buffer.Length, Size, Name);
        Copy(offset, buffer.Span, synchronous: true);
    }

    public ValueTask ClearPagesAsync(long offset, long length, CancellationToken cancellationToken = default)
    {
        PageBlobRules.ValidatePages("clear", offset, length, Size, Name);
        lock (_gate)
        {
            _bytes.AsSpan((int)offset, (int)length).Clear();
            _calls.Add(new StoreCall(StoreCallKind.Clear, offset, length));
        }
        Notify();
        return ValueTask.CompletedTask;
    }

    private void Copy(long offset, Span<byte> destination, bool synchronous)
    {
        lock (_gate)
        {
            _reads++;
            if (synchronous) _synchronousReads++;
            _bytes.AsSpan((int)offset, destination.Length).CopyTo(destination);
        }
    }

    private void Notify()
    {
        List<TaskCompletionSource> reached = [];
        lock (_gate)
        {
            for (int i = _watchers.Count - 1; i >= 0; i--)
            {
                if (!_watchers[i].Condition()) continue;
                reached.Add(_watchers[i].Reached);
                _watchers.RemoveAt(i);
            }
        }
        foreach (var r in reached) r.TrySetResult();
    }
}
