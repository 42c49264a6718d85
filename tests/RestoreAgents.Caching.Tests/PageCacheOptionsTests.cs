using RestoreAgents.Testing;

namespace RestoreAgents.Caching.Tests;

public sealed class PageCacheOptionsTests
{
    [Fact]
    public void Options_DefaultTo4MiBPages_256MiBCache_8Uploads()
    {
        var options = new PageCacheOptions();

        Assert.Equal(4 * 1024 * 1024, options.PageSize);
        Assert.Equal(256L * 1024 * 1024, options.CapacityBytes);
        Assert.Equal(8, options.UploadParallelism);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(0)]
    [InlineData(8 * 1024 * 1024)]
    [InlineData(513)]
    public void PageCache_RejectsAnInvalidPageSize(int pageSize)
    {
        using var folder = new TempDirectory();
        var options = new PageCacheOptions { PageSize = pageSize, CapacityBytes = 64L * 1024 * 1024, Directory = folder.Path };

        var e = Assert.Throws<InvalidPageSizeException>(() => new PageCache(options, 1024 * 1024, new MemoryPageBlob(1024 * 1024), "disk"));

        Assert.Contains($"page size {pageSize} is not a multiple of 512", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public void PageCache_RejectsACacheSmallerThanOnePage()
    {
        using var folder = new TempDirectory();
        var options = new PageCacheOptions { PageSize = 4096, CapacityBytes = 4095, Directory = folder.Path };

        var e = Assert.Throws<ArgumentException>(() => new PageCache(options, 8192, new MemoryPageBlob(8192), "disk"));

        Assert.Contains("cache capacity 4095 bytes is smaller than one page of 4096 bytes", e.Message);
    }

    [Fact]
    public void PageCache_RejectsADiskSizeThatIsNotWholeSectors()
    {
        using var folder = new TempDirectory();
        var options = new PageCacheOptions { PageSize = 4096, CapacityBytes = 8192, Directory = folder.Path };

        var e = Assert.Throws<ArgumentException>(() => new PageCache(options, 5000, new MemoryPageBlob(8192), "disk-7"));

        Assert.Contains("disk size 5000 of 'disk-7' is not a multiple of 512", e.Message);
    }

    [Fact]
    public void PageCache_RejectsADiskLargerThanItsStore()
    {
        using var folder = new TempDirectory();
        var options = new PageCacheOptions { PageSize = 4096, CapacityBytes = 8192, Directory = folder.Path };
        var store = new MemoryPageBlob(8192, "memory://small");

        var e = Assert.Throws<ArgumentException>(() => new PageCache(options, 16384, store, "disk-8"));

        Assert.Contains("'memory://small'", e.Message);
        Assert.Contains("16384", e.Message);
    }

    [Fact]
    public void PageCache_RejectsAMissingDirectory()
    {
        var options = new PageCacheOptions { PageSize = 4096, CapacityBytes = 8192 };

        var e = Assert.Throws<ArgumentException>(() => new PageCache(options, 8192, new MemoryPageBlob(8192), "disk"));

        Assert.Contains("cache directory is not set", e.Message);
    }

    [Fact]
    public async Task PageCache_HasCapacityOverPageSizeSlots_ButNoMoreThanTheDiskHasPages()
    {
        using var folder = new TempDirectory();
        var options = new PageCacheOptions { PageSize = 4096, CapacityBytes = 10 * 4096 + 100, Directory = folder.Path };

        await using (var large = new PageCache(options, 64 * 4096, new MemoryPageBlob(64 * 4096), "large"))
            Assert.Equal(10, large.Statistics.SlotCount);
        await using (var small = new PageCache(options, 3 * 4096, new MemoryPageBlob(3 * 4096), "small"))
            Assert.Equal(3, small.Statistics.SlotCount);
    }
}
