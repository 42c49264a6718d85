using System.Collections.Concurrent;
using RestoreAgents.Cloud;
using RestoreAgents.Caching;
using RestoreAgents.PseudoDisk;

namespace RestoreAgents.Cli.Mount;

/// <summary>
/// The disks of a mounted container: each file is a page blob behind its own <see cref="PageCache"/>.
/// A file created in the mount and given a size becomes a new page blob of that size; a page blob that was
/// there before is opened with its written ranges, so it reads back from the cloud; deleting a file deletes
/// its blob. The factory owns every cache it made and disposes them.
/// </summary>
internal sealed class CloudDiskFactory(PageBlobContainer container, PageCacheOptions cacheOptions, MountLog log)
    : IDiskFactory, IAsyncDisposable
{
    private readonly ConcurrentDictionary<BlobDiskPath, CloudDisk> _disks = new();

    /// <summary>Creates the file's page blob with the SDK's synchronous calls: this runs on a FUSE thread.</summary>
    public PageCache CreateDisk(string folder, string fileName, long size, CancellationToken cancellationToken)
    {
        var path = new BlobDiskPath(folder, fileName);
        // A name Azure cannot keep (e.g. one ending in '.') is refused here: the file answers EIO, the log says why.
        var blob = container.CreatePageBlob(path.BlobName, size, overwrite: false, cancellationToken);
        var cache = Track(path, blob);
        log.Info($"created page blob '{path.BlobName}' ({ByteSize.Format(size)})");
        return cache;
    }

    /// <summary>
    /// Opens a page blob that is already in the container: its written ranges (Get Page Ranges) are declared
    /// stored, so reads come from the blob and a partial write keeps the rest of its page.
    /// </summary>
    public async Task<PageCache> OpenDiskAsync(BlobDiskPath path, CancellationToken cancellationToken)
    {
        var blob = await container.OpenPageBlobAsync(path.BlobName, cancellationToken).ConfigureAwait(false);
        var ranges = await blob.GetPageRangesAsync(cancellationToken).ConfigureAwait(false);
        var cache = Track(path, blob);
        foreach (var range in ranges)
            cache.DeclareInBlob(range.Offset, range.Length);
        return cache;
    }

    /// <summary>Drops the cache and deletes the blob, synchronously: this runs on a FUSE thread.</summary>
    public void DeleteDisk(string folder, string fileName, PageCache cache, CancellationToken cancellationToken)
    {
        var path = new BlobDiskPath(folder, fileName);
        if (!_disks.TryRemove(path, out var disk)) return;
        // Pages not yet uploaded belong to a file that no longer exists: dropped with the cache.
        disk.Cache.Dispose();
        disk.Blob.Delete(cancellationToken);
        log.Info($"deleted page blob '{path.BlobName}'");
    }

    /// <summary>
    /// Uploads what is left of every disk that was written to and says how each one ended; false when a
    /// blob could not be completed (each failure is one error line).
    /// </summary>
    public async Task<bool> FinishAsync(CancellationToken cancellationToken)
    {
        bool complete = true;
        foreach (var (path, disk) in _disks.OrderBy(d => d.Key.BlobName, StringComparer.Ordinal))
        {
            if (disk.Cache.Statistics.BytesWritten == 0) continue;
            try
            {
                await disk.Cache.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PageUploadException e)
            {
                log.Error($"page blob '{path.BlobName}' is incomplete: {e.Message}");
                complete = false;
                continue;
            }
            var done = disk.Cache.Statistics;
            log.Info($"finished page blob '{path.BlobName}' ({ByteSize.Format(disk.Cache.DiskSize)}): "
                + $"{Pages(done.PagesUploaded)} uploaded ({ByteSize.Format(done.BytesUploaded)}), "
                + $"{Pages(done.PagesSkippedZero)} of zeros skipped");
        }
        return complete;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var path in _disks.Keys)
        {
            if (_disks.TryRemove(path, out var disk))
                await disk.Cache.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string Pages(long count) => count == 1 ? "1 page" : $"{count} pages";

    private PageCache Track(BlobDiskPath path, AzurePageBlob blob)
    {
        var cache = new PageCache(cacheOptions, blob.Size, blob, path.BlobName);
        _disks[path] = new CloudDisk(blob, cache);
        return cache;
    }

    private sealed record CloudDisk(AzurePageBlob Blob, PageCache Cache);
}
