namespace RestoreAgents.DataAgent.Jobs;

/// <summary>
/// Where a job writes the blocks it receives: straight into the page cache, or through the pseudo-disk's file
/// system so the kernel carries them (the patent's pseudo-disk driver).
/// </summary>
internal interface IRestoreDisk : IAsyncDisposable
{
    ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Uploads the partly filled pages and returns once every page is in the cloud.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);
}
