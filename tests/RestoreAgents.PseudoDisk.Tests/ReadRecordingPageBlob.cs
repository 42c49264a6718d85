using RestoreAgents.Caching;

namespace RestoreAgents.PseudoDisk.Tests;

/// <summary>A page blob that counts which of its reads were called: the synchronous one, or the asynchronous one.</summary>
internal sealed class ReadRecordingPageBlob(IPageBlob inner) : IPageBlob
{
    private int _synchronousReads;
    private int _asynchronousReads;

    public long Size => inner.Size;

    public string Name => inner.Name;

    public int SynchronousReads => Volatile.Read(ref _synchronousReads);

    public int AsynchronousReads => Volatile.Read(ref _asynchronousReads);

    public ValueTask WritePagesAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        inner.WritePagesAsync(offset, data, cancellationToken);

    public ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _asynchronousReads);
        return inner.ReadAsync(offset, buffer, cancellationToken);
    }

    public void Read(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _synchronousReads);
        inner.Read(offset, buffer, cancellationToken);
    }

    public ValueTask ClearPagesAsync(long offset, long length, CancellationToken cancellationToken = default) =>
        inner.ClearPagesAsync(offset, length, cancellationToken);
}
