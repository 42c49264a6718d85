namespace RestoreAgents.Caching.Tests;

/// <summary>A page cache's file holds a disk's data: it is 0600, and the folders the cache makes for it 0700.</summary>
public sealed class CacheFileModeTests
{
    private const int Page = 4096;

    [Fact]
    public async Task CacheFile_Is0600_InFoldersItMakes0700()
    {
        await using var cache = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page);
        var nested = Path.Combine(cache.Folder, "job", "disk");
        var options = new PageCacheOptions { PageSize = Page, CapacityBytes = 2 * Page, Directory = nested };

        await using var nestedCache = new PageCache(options, 4 * Page, cache.Store, "nested");

        Assert.Equal(FileModes.OwnerOnlyFile, FileModes.Of(nestedCache.CacheFilePath));
        Assert.Equal(FileModes.OwnerOnlyFolder, FileModes.Of(nested));
        Assert.Equal(FileModes.OwnerOnlyFolder, FileModes.Of(Path.GetDirectoryName(nested)!));
    }
}
