using RestoreAgents.Caching;
namespace RestoreAgents.DataAgent.Disks;

/// <summary>
/// Writes into the page cache without the kernel, for hosts without FUSE; blocks are gathered into 1 MiB writes
/// with one in flight (<see cref="BlockGatherer"/>), as through the pseudo-disk.
/// </summary>
internal sealed class DirectRestoreDisk(PageCache cache) : IRestoreDisk
{
    private readonly BlockGatherer _gatherer = new(cache.WriteAsync);

    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _gatherer.WriteAsync(offset, data, cancellationToken);

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await _gatherer.FlushAsync(cancellationToken);
        await cache.FlushAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _gatherer.DisposeAsync();
}
