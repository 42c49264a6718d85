using RestoreAgents.Caching;

namespace RestoreAgents.PseudoDisk.Tests;

/// <summary>A page blob whose uploads wait until the test opens the gate: a cloud that is slow on demand.</summary>
internal sealed class GatedPageBlob(IPageBlob inner) : IPageBlob
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Size => inner.Size;

    public string Name => inner.Name;

    public void Open() => _gate.TrySetResult();

    public async ValueTask WritePagesAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        await _gate.Task.WaitAsync(cancellationToken);
        await inner.WritePagesAsync(offset, data, cancellationToken);
    }

    public ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(offset, buffer, cancellationToken);

    public void Read(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.Read(offset, buffer, cancellationToken);

    public async ValueTask ClearPagesAsync(long offset, long length, CancellationToken cancellationToken = default)
    {
        await _gate.Task.WaitAsync(cancellationToken);
        await inner.ClearPagesAsync(offset, length, cancellationToken);
    }
}
