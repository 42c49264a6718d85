namespace RestoreAgents.DataAgent.Jobs;

/// <summary>Writes into the page cache without the kernel: for hosts without FUSE.</summary>
internal sealed class DirectRestoreDisk(PageCache.PageCache cache) : IRestoreDisk
{
    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        cache.WriteAsync(offset, data, cancellationToken);

    public Task CompleteAsync(CancellationToken cancellationToken) => cache.FlushAsync(cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
