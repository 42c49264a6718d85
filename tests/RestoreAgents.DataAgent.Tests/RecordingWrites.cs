namespace RestoreAgents.DataAgent.Tests;

/// <summary>
/// The write a <see cref="Disks.BlockGatherer"/> sends its gathered bytes to: records each write, counts how
/// many run at once, and can hold writes until the test releases them, or fail them.
/// </summary>
internal sealed class RecordingWrites
{
    private readonly List<(long Offset, byte[] Data)> _writes = [];
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;
    private int _mostAtOnce;

    public RecordingWrites(bool held = false)
    {
        if (!held) Release();
    }

    /// <summary>A write at this offset fails with this exception (after it was recorded).</summary>
    public (long Offset, Exception Error)? FailAt { get; init; }

    public IReadOnlyList<(long Offset, byte[] Data)> Writes { get { lock (_writes) return _writes.ToList(); } }

    public IEnumerable<(long Offset, int Length)> Extents => Writes.Select(w => (w.Offset, w.Data.Length));

    public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    /// <summary>Lets held writes (and every later one) go on.</summary>
    public void Release() => _gate.TrySetResult();

    public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _mostAtOnce, running);
        try
        {
            await _gate.Task.WaitAsync(cancellationToken);
            // Copied only now: had the gatherer refilled this buffer while the write was held, this shows it.
            lock (_writes) _writes.Add((offset, data.ToArray()));
            await Task.Yield();
            if (FailAt is { } failure && failure.Offset == offset) throw failure.Error;
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>The disk the writes made: each write's bytes at its offset in a zeroed disk.</summary>
    public byte[] Disk(int size)
    {
        var disk = new byte[size];
        foreach (var (offset, data) in Writes) data.CopyTo(disk, offset);
        return disk;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
