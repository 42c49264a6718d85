namespace RestoreAgents.DataAgent.Disks;

/// <summary>
/// Where a job writes the blocks it receives: straight into the page cache, or through the pseudo-disk's file
/// system, so the kernel carries them as it would for any tool writing a disk image.
/// </summary>
internal interface IRestoreDisk : IAsyncDisposable
{
    ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Uploads the partly filled pages and returns once every page is in the cloud.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);
}
