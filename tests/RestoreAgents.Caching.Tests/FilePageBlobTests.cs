using RestoreAgents.Testing;

namespace RestoreAgents.Caching.Tests;

public sealed class FilePageBlobTests
{
    private const int Page = 4096;

    [Fact]
    public async Task FilePageBlob_ReadsBackWhatWasWritten_AndZerosElsewhere()
    {
        using var folder = new TempDirectory();
        using var store = new FilePageBlob(folder.Combine("disk.raw"), 8 * Page);
        var data = TestBytes.NonZero(2 * Page, seed: 1);

        await store.WritePagesAsync(Page, data);
        var back = new byte[4 * Page];
        await store.ReadAsync(0, back);

        Assert.Equal(8 * Page, new FileInfo(store.Path).Length);
        Assert.All(back[..Page], b => Assert.Equal(0, b));
        Assert.Equal(data, back[Page..(3 * Page)]);
        Assert.All(back[(3 * Page)..], b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task FilePageBlob_SynchronousRead_ReadsBackWhatWasWritten_AndZerosElsewhere()
    {
        using var folder = new TempDirectory();
        using var store = new FilePageBlob(folder.Combine("disk.raw"), 8 * Page);
        var data = TestBytes.NonZero(2 * Page, seed: 1);
        await store.WritePagesAsync(Page, data);
        var back = new byte[4 * Page];
        back.AsSpan().Fill(0xEE); // whatever the read does not fill would show

        store.Read(100, back);

        Assert.All(back[..(Page - 100)], b => Assert.Equal(0, b));
        Assert.Equal(data, back[(Page - 100)..(3 * Page - 100)]);
        Assert.All(back[(3 * Page - 100)..], b => Assert.Equal(0, b));
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => store.Read(6 * Page, back));
        Assert.Contains(store.Path, outside.Message);
    }

    [Fact]
    public async Task FilePageBlob_ClearsPagesToZeros()
    {
        using var folder = new TempDirectory();
        using var store = new FilePageBlob(folder.Combine("disk.raw"), 4 * Page);
        await store.WritePagesAsync(0, TestBytes.NonZero(4 * Page, seed: 2));

        await store.ClearPagesAsync(512, 2 * Page);

        var back = new byte[4 * Page];
        await store.ReadAsync(0, back);
        Assert.NotEqual(0, back[511]);
        Assert.All(back[512..(512 + 2 * Page)], b => Assert.Equal(0, b));
        Assert.NotEqual(0, back[512 + 2 * Page]);
    }

    [Theory]
    [InlineData(100, 512)]   // unaligned offset
    [InlineData(512, 1000)]  // not whole pages
    [InlineData(0, 0)]       // empty
    public async Task FilePageBlob_RejectsWritesAzureWouldReject_NamingTheRange(long offset, int length)
    {
        using var folder = new TempDirectory();
        using var store = new FilePageBlob(folder.Combine("disk.raw"), 8 * Page);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => store.WritePagesAsync(offset, new byte[length]).AsTask());

        Assert.Contains($"at offset {offset}", e.Message);
        Assert.Contains(store.Path, e.Message);
    }

    [Fact]
    public async Task FilePageBlob_RejectsAWriteOver4MiB_AndOutsideTheStore()
    {
        using var folder = new TempDirectory();
        using var store = new FilePageBlob(folder.Combine("disk.raw"), 16L * 1024 * 1024);

        var tooLarge = await Assert.ThrowsAsync<ArgumentException>(
            () => store.WritePagesAsync(0, new byte[4 * 1024 * 1024 + 512]).AsTask());
        Assert.Contains("largest Azure Put Page", tooLarge.Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => store.WritePagesAsync(16L * 1024 * 1024, new byte[512]).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => store.ReadAsync(16L * 1024 * 1024 - 10, new byte[11]).AsTask());
    }

    [Fact]
    public void FilePageBlob_RejectsASizeThatIsNotWholePages()
    {
        using var folder = new TempDirectory();

        var e = Assert.Throws<ArgumentException>(() => new FilePageBlob(folder.Combine("disk.raw"), 1000));

        Assert.Contains("size 1000", e.Message);
    }

    [Fact]
    public async Task PageCache_OverAFilePageBlob_RestoresExactBytes()
    {
        using var folder = new TempDirectory();
        long diskSize = 20 * Page + 512;
        using var store = new FilePageBlob(folder.Combine("disk.raw"), diskSize);
        var options = new PageCacheOptions { PageSize = Page, CapacityBytes = 3 * Page, Directory = folder.Combine("cache") };
        var disk = TestBytes.NonZero((int)diskSize, seed: 3);
        disk.AsSpan(5 * Page, 3 * Page).Clear();

        await using (var cache = new PageCache(options, diskSize, store, "file-store"))
        {
            cache.DeclareZero(5 * Page, 3 * Page);
            for (long offset = diskSize - 777; offset > -777; offset -= 777) // backwards, unaligned
            {
                long from = Math.Max(0, offset);
                int length = (int)(Math.Min(offset + 777, diskSize) - from);
                if (from < 5 * Page + 3 * Page && from + length > 5 * Page) continue; // the hole is not sent
                await cache.WriteAsync(from, disk.AsMemory((int)from, length));
            }
            // The blocks that straddle the hole's edges, without their hole part.
            await cache.WriteAsync(4 * Page, disk.AsMemory(4 * Page, Page));
            await cache.WriteAsync(8 * Page, disk.AsMemory(8 * Page, Page));
            await cache.FlushAsync();
            Assert.Equal(3, cache.Statistics.PagesSkippedZero);
        }

        Assert.Equal(disk, await File.ReadAllBytesAsync(store.Path));
    }
}
