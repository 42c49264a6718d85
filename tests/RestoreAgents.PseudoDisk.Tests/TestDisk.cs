using RestoreAgents.PageCache;
using RestoreAgents.Testing;

namespace RestoreAgents.PseudoDisk.Tests;

/// <summary>A page cache over a <see cref="FilePageStore"/> in a temp folder: a disk whose upload can be read back.</summary>
internal sealed class TestDisk : IAsyncDisposable
{
    private TestDisk(TempDirectory folder, FilePageStore store, PageCache.PageCache cache)
    {
        Folder = folder;
        Store = store;
        Cache = cache;
    }

    public TempDirectory Folder { get; }

    public FilePageStore Store { get; }

    public PageCache.PageCache Cache { get; }

    public string StorePath => Store.Path;

    public static TestDisk Create(long diskSize, int pageSize = 1024 * 1024, long capacity = 8L * 1024 * 1024,
        string name = "disk")
    {
        var folder = new TempDirectory("pseudodisk-store");
        var store = new FilePageStore(folder.Combine($"{name}.store"), diskSize);
        var cache = new PageCache.PageCache(new PageCacheOptions
        {
            PageSize = pageSize,
            CapacityBytes = capacity,
            Directory = folder.Combine("cache"),
            UploadParallelism = 4,
        }, diskSize, store, name);
        return new TestDisk(folder, store, cache);
    }

    public async ValueTask DisposeAsync()
    {
        await Cache.DisposeAsync();
        Store.Dispose();
        Folder.Dispose();
    }
}
