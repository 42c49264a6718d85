using System.Collections.Concurrent;
using RestoreAgents.Cloud;
using RestoreAgents.PageCache;
using RestoreAgents.PseudoDisk;

namespace RestoreAgents.Cli.Mount;

/// <summary>
/// The page blobs of one container as the disks of a pseudo-disk mount: a file created in the mount and given
/// its size becomes a page blob of that size, written through a page cache of its own; the page blobs already
/// there are served as files that read back and can be overwritten in place. Blob "a/b" is file b in folder a.
/// </summary>
internal sealed class ContainerDisks(
    PageBlobDestination container,
    PageBlobStoreOptions cloudOptions,
    PageCacheOptions cacheOptions,
    TextWriter log) : IDiskFactory, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, PageCache.PageCache> _caches = new(StringComparer.Ordinal);

    private readonly List<(string Folder, string FileName, PageCache.PageCache Cache)> _existing = [];

    /// <summary>
    /// Opens every page blob of the container, before mounting, so they are all there the moment the mount is;
    /// returns how many. A container that does not exist yet (with a connection string) is empty.
    /// </summary>
    public async Task<int> OpenExistingAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<PageBlobListing> listings;
        try
        {
            listings = await PageBlobStoreFactory.ListAsync(container, cloudOptions, cancellationToken);
        }
        catch (CloudDestinationException e) when (e.Failure == CloudFailure.ContainerNotFound
            && !container.UsesContainerSas)
        {
            listings = []; // created with the first disk, as restores do
        }
        foreach (var listing in listings)
        {
            if (FileOf(listing.Name) is not var (folder, fileName))
            {
                log.WriteLine($"skipped page blob '{listing.Name}': not one file name, or one folder and a file name");
                continue;
            }
            var blob = await PageBlobStoreFactory.OpenAsync(container with { BlobName = listing.Name }, cloudOptions,
                cancellationToken);
            var cache = NewCache(listing.Name, blob);
            _caches[listing.Name] = cache;
            foreach (var range in await blob.GetPageRangesAsync(cancellationToken))
                cache.DeclareStored(range.Offset, range.Length);
            _existing.Add((folder, fileName, cache));
        }
        return _existing.Count;
    }

    /// <summary>Serves the page blobs found by <see cref="OpenExistingAsync"/> as files of <paramref name="mount"/>.</summary>
    public void ServeExisting(PseudoDiskMount mount)
    {
        foreach (var (folder, fileName, cache) in _existing)
            mount.AddDisk(folder, fileName, cache);
    }

    public async ValueTask<PageCache.PageCache> CreateDiskAsync(string folder, string fileName, long size,
        CancellationToken cancellationToken)
    {
        var name = BlobName(folder, fileName);
        var blob = await PageBlobStoreFactory.CreateAsync(container with { BlobName = name }, size, overwrite: false,
            cloudOptions, cancellationToken);
        var cache = NewCache(name, blob);
        _caches[name] = cache;
        log.WriteLine($"created page blob {blob.Name} ({ByteSize.Format(size)})");
        return cache;
    }

    public async ValueTask DeleteDiskAsync(string folder, string fileName, PageCache.PageCache cache,
        CancellationToken cancellationToken)
    {
        var name = BlobName(folder, fileName);
        _caches.TryRemove(name, out _);
        await cache.DisposeAsync();
        await PageBlobStoreFactory.DeleteAsync(container with { BlobName = name }, cloudOptions, cancellationToken);
        log.WriteLine($"deleted page blob '{name}'");
    }

    /// <summary>Uploads what each cache still holds, then lets the caches go. Failures are reported, not thrown.</summary>
    public async Task<int> FlushAllAsync(CancellationToken cancellationToken)
    {
        int failed = 0;
        foreach (var (name, cache) in _caches)
        {
            try
            {
                await cache.FlushAsync(cancellationToken);
            }
            catch (Exception e) when (e is PageUploadException or OperationCanceledException)
            {
                failed++;
                log.WriteLine($"error: page blob '{name}' is not complete: {e.Message}");
            }
        }
        return failed;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var cache in _caches.Values)
            await cache.DisposeAsync();
        _caches.Clear();
    }

    private PageCache.PageCache NewCache(string blobName, AzurePageBlobStore blob)
    {
        var options = new PageCacheOptions
        {
            PageSize = cacheOptions.PageSize,
            CapacityBytes = cacheOptions.CapacityBytes,
            Directory = cacheOptions.Directory,
            UploadParallelism = cacheOptions.UploadParallelism,
        };
        return new PageCache.PageCache(options, blob.Size, blob, blobName);
    }

    private static string BlobName(string folder, string fileName) =>
        folder.Length == 0 ? fileName : $"{folder}/{fileName}";

    /// <summary>Where a blob shows in the mount, or null when its name does not make one or two valid names.</summary>
    private static (string Folder, string FileName)? FileOf(string blobName)
    {
        var parts = blobName.Split('/');
        return parts switch
        {
            [var file] when PseudoDiskNames.Check(file) == 0 => ("", file),
            [var folder, var file] when PseudoDiskNames.Check(folder) == 0 && PseudoDiskNames.Check(file) == 0 =>
                (folder, file),
            _ => null,
        };
    }
}
