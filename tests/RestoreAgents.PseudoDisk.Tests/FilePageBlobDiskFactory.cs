using System.Collections.Concurrent;
using RestoreAgents.Caching;
using RestoreAgents.Testing;

namespace RestoreAgents.PseudoDisk.Tests;

/// <summary>An <see cref="IDiskFactory"/> that puts each created file in a <see cref="FilePageBlob"/> of a temp folder.</summary>
internal sealed class FilePageBlobDiskFactory : IDiskFactory, IAsyncDisposable
{
    private readonly TempDirectory _folder = new("pseudodisk-factory");
    private readonly ConcurrentDictionary<string, (FilePageBlob Store, PageCache Cache)> _disks = new();

    public ConcurrentQueue<string> Deleted { get; } = new();

    public Exception? FailWith { get; set; }

    public string StorePath(string folder, string fileName) => _folder.Combine($"{folder}_{fileName}.store");

    public PageCache? CacheOf(string folder, string fileName) =>
        _disks.TryGetValue(Key(folder, fileName), out var disk) ? disk.Cache : null;

    public PageCache CreateDisk(string folder, string fileName, long size, CancellationToken cancellationToken)
    {
        if (FailWith is { } failure) throw failure;
        var store = new FilePageBlob(StorePath(folder, fileName), size);
        var cache = new PageCache(new PageCacheOptions
        {
            PageSize = 1024 * 1024,
            CapacityBytes = 4L * 1024 * 1024,
            Directory = _folder.Combine("cache"),
        }, size, store, fileName);
        _disks[Key(folder, fileName)] = (store, cache);
        return cache;
    }

    public void DeleteDisk(string folder, string fileName, PageCache cache, CancellationToken cancellationToken)
    {
        if (_disks.TryRemove(Key(folder, fileName), out var disk))
        {
            disk.Cache.Dispose();
            disk.Store.Dispose();
            File.Delete(disk.Store.Path);
        }
        Deleted.Enqueue(Key(folder, fileName));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var disk in _disks.Values)
        {
            await disk.Cache.DisposeAsync();
            disk.Store.Dispose();
        }
        _folder.Dispose();
    }

    private static string Key(string folder, string fileName) => $"{folder}/{fileName}";
}
