using RestoreAgents.Testing;

namespace RestoreAgents.Caching.Tests;

/// <summary>
/// A page cache over a <see cref="MemoryPageBlob"/> in a fresh folder, with the bytes the disk should hold
/// (every write is applied to <see cref="Expected"/> as well).
/// </summary>
internal sealed class CacheUnderTest : IAsyncDisposable
{
    private readonly TempDirectory _folder = new("restoreagents-pagecache");

    public CacheUnderTest(int pageSize, int slots, long diskSize, int uploadParallelism = 4, string? name = null,
        TimeProvider? timeProvider = null, PageCacheMetrics? metrics = null)
    {
        Store = new MemoryPageBlob(diskSize);
        Options = new PageCacheOptions
        {
            PageSize = pageSize,
            CapacityBytes = (long)pageSize * slots,
            Directory = _folder.Path,
            UploadParallelism = uploadParallelism,
        };
        Expected = new byte[diskSize];
        Cache = new PageCache(Options, diskSize, Store, name ?? $"test-{Guid.NewGuid():N}", timeProvider, metrics);
    }

    public MemoryPageBlob Store { get; }

    public PageCacheOptions Options { get; }

    public PageCache Cache { get; }

    public byte[] Expected { get; }

    public string Folder => _folder.Path;

    public async Task WriteAsync(long offset, byte[] data)
    {
        await Cache.WriteAsync(offset, data);
        lock (Expected) data.CopyTo(Expected, offset);
    }

    public void Write(long offset, byte[] data)
    {
        Cache.Write(offset, data);
        lock (Expected) data.CopyTo(Expected, offset);
    }

    /// <summary>Completes once a writer starts waiting for one of this cache's slots (its span starts).</summary>
    public SpanWaiter WatchSlotWait() =>
        new("RestoreAgents.Caching", "cache.wait_for_slot", Telemetry.TelemetryAttributes.CacheName, Cache.Name);

    /// <summary>Bytes of every file in the cache folder now.</summary>
    public long FolderBytes() =>
        new DirectoryInfo(_folder.Path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    public void AssertStoreHoldsExpected()
    {
        var actual = Store.Contents();
        int first = actual.AsSpan().CommonPrefixLength(Expected);
        Assert.True(first == Expected.Length,
            $"the store differs from the expected disk first at offset {first} (page {first / Options.PageSize})");
    }

    public async ValueTask DisposeAsync()
    {
        await Cache.DisposeAsync();
        _folder.Dispose();
    }
}
