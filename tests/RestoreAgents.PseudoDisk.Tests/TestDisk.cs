using RestoreAgents.Caching;
using RestoreAgents.Testing;

namespace RestoreAgents.PseudoDisk.Tests;

/// <summary>A page cache over a <see cref="FilePageBlob"/> in a temp folder: a disk whose upload can be read back.</summary>
internal sealed class TestDisk : IAsyncDisposable
{
    private TestDisk(TempDirectory folder, FilePageBlob store, ReadRecordingPageBlob blob, PageCache cache)
    {
        Folder = folder;
        Store = store;
        Blob = blob;
        Cache = cache;
    }

    public TempDirectory Folder { get; }

    public FilePageBlob Store { get; }

    /// <summary>The store as the cache sees it: it counts which reads the cache used.</summary>
    public ReadRecordingPageBlob Blob { get; }

    public PageCache Cache { get; }

    public string StorePath => Store.Path;

    public static TestDisk Create(long diskSize, int pageSize = 1024 * 1024, long capacity = 8L * 1024 * 1024,
        string name = "disk")
    {
        var folder = new TempDirectory("pseudodisk-store");
        var store = new FilePageBlob(folder.Combine($"{name}.store"), diskSize);
        var blob = new ReadRecordingPageBlob(store);
        var cache = new PageCache(new PageCacheOptions
        {
            PageSize = pageSize,
            CapacityBytes = capacity,
            Directory = folder.Combine("cache"),
            UploadParallelism = 4,
        }, diskSize, blob, name);
        return new TestDisk(folder, store, blob, cache);
    }

    public async ValueTask DisposeAsync()
    {
        await Cache.DisposeAsync();
        Store.Dispose();
        Folder.Dispose();
    }
}
