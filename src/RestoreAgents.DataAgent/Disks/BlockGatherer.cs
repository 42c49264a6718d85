using System.Buffers;

namespace RestoreAgents.DataAgent.Disks;

/// <summary>
/// Gathers the media agent's contiguous 64 KiB blocks into writes of up to <see cref="WriteSize"/> and keeps one
/// write in flight while the next one fills (two pooled buffers), so receiving the stream overlaps with writing
/// it: one kernel request per MiB through the pseudo-disk, one cache call per MiB without it.
/// </summary>
internal sealed class BlockGatherer(Func<long, ReadOnlyMemory<byte>, CancellationToken, ValueTask> write)
    : IAsyncDisposable
{
    /// <summary>The largest write the pseudo-disk negotiates with the kernel (max_write).</summary>
    public const int WriteSize = 1024 * 1024;

    private byte[]? _filling = ArrayPool<byte>.Shared.Rent(WriteSize);
    private byte[]? _writing = ArrayPool<byte>.Shared.Rent(WriteSize);
    private long _fillingOffset;
    private int _fillingLength;
    private Task _inFlight = Task.CompletedTask;

    public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        bool contiguous = _fillingLength > 0 && offset == _fillingOffset + _fillingLength;
        if (_fillingLength > 0 && (!contiguous || _fillingLength + data.Length > WriteSize))
            await SendFilledAsync(cancellationToken);
        if (data.Length >= WriteSize)
        {
            await _inFlight;
            await write(offset, data, cancellationToken);
            return;
        }
        var filling = _filling ?? throw new ObjectDisposedException(nameof(BlockGatherer));
        if (_fillingLength == 0) _fillingOffset = offset;
        data.CopyTo(filling.AsMemory(_fillingLength));
        _fillingLength += data.Length;
        if (_fillingLength == WriteSize) await SendFilledAsync(cancellationToken);
    }

    /// <summary>Writes what is gathered and returns once every write has ended (or throws its failure).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await SendFilledAsync(cancellationToken);
        await _inFlight;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _inFlight; // its buffer goes back to the pool only once the write is done with it
        }
        catch (Exception)
        {
            // reported by the write or the flush that awaited it
        }
        if (Interlocked.Exchange(ref _filling, null) is { } filling) ArrayPool<byte>.Shared.Return(filling);
        if (Interlocked.Exchange(ref _writing, null) is { } writing) ArrayPool<byte>.Shared.Return(writing);
    }

    /// <summary>Waits for the write in flight, then sends the filled buffer and goes on filling the other one.</summary>
    private async ValueTask SendFilledAsync(CancellationToken cancellationToken)
    {
        if (_fillingLength == 0) return;
        await _inFlight;
        (_filling, _writing) = (_writing, _filling);
        var sending = (_writing ?? throw new ObjectDisposedException(nameof(BlockGatherer))).AsMemory(0, _fillingLength);
        _inFlight = write(_fillingOffset, sending, cancellationToken).AsTask();
        _fillingLength = 0;
    }
}
