namespace RestoreAgents.Caching.Tests;

public sealed class PageCacheReadTests
{
    private const int Page = 4096;

    [Fact]
    public async Task PageCache_ReadsACachedPage_FromItsSlot_WithZerosWhereNothingWasWritten()
    {
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page);
        await test.WriteAsync(100, TestBytes.NonZero(50, seed: 1));
        var buffer = new byte[Page];
        buffer.AsSpan().Fill(0xEE);

        int read = await test.Cache.ReadAsync(0, buffer);

        Assert.Equal(Page, read);
        Assert.Equal(test.Expected[..Page], buffer);
        Assert.Equal(0, test.Store.Reads);
    }

    [Fact]
    public async Task PageCache_ReadsAnUploadedPage_FromTheStore()
    {
        await using var test = new CacheUnderTest(Page, slots: 1, diskSize: 4 * Page);
        await test.WriteAsync(0, TestBytes.NonZero(Page, seed: 2));
        await test.WriteAsync(Page + 10, TestBytes.NonZero(10, seed: 3));
        await test.Cache.FlushAsync();
        var buffer = new byte[2 * Page];

        int read = await test.Cache.ReadAsync(0, buffer);

        Assert.Equal(2 * Page, read);
        Assert.Equal(test.Expected[..(2 * Page)], buffer);
        Assert.Equal(2, test.Store.Reads);
        Assert.Equal(0, test.Store.SynchronousReads); // the asynchronous side reads asynchronously
    }

    [Fact]
    public async Task PageCache_ReadsANeverWrittenPage_AsZeros_WithoutAskingTheStore()
    {
        await using var test = new CacheUnderTest(Page, slots: 1, diskSize: 4 * Page);
        test.Cache.DeclareZero(Page, Page);
        var buffer = TestBytes.NonZero(2 * Page, seed: 4);

        int read = test.Cache.Read(Page, buffer);

        Assert.Equal(2 * Page, read);
        Assert.All(buffer, b => Assert.Equal(0, b));
        Assert.Equal(0, test.Store.Reads);
    }

    [Fact]
    public async Task PageCache_BlockingRead_AcrossCachedUploadedAndEmptyPages_ReturnsTheDisk()
    {
        await using var test = new CacheUnderTest(Page, slots: 1, diskSize: 4 * Page + 512);
        await test.WriteAsync(0, TestBytes.NonZero(Page, seed: 5));          // uploaded, slot reused
        await test.Store.WhenWritten(0);
        await test.WriteAsync(2 * Page + 7, TestBytes.NonZero(300, seed: 6)); // cached, partial
        var buffer = new byte[4 * Page + 512 - 5];

        int read = test.Cache.Read(5, buffer);

        Assert.Equal(buffer.Length, read);
        Assert.Equal(test.Expected[5..], buffer);
    }

    [Fact]
    public async Task PageCache_ReadAtTheEndOfTheDisk_ReturnsWhatIsLeft_AndBeyondItIsRejected()
    {
        await using var test = new CacheUnderTest(Page, slots: 1, diskSize: 2 * Page);
        await test.WriteAsync(2 * Page - 100, TestBytes.NonZero(100, seed: 7));
        var buffer = new byte[1000];

        Assert.Equal(100, await test.Cache.ReadAsync(2 * Page - 100, buffer));
        Assert.Equal(test.Expected[^100..], buffer[..100]);
        Assert.Equal(0, await test.Cache.ReadAsync(2 * Page, buffer));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => test.Cache.ReadAsync(2 * Page + 1, buffer).AsTask());
        Assert.Throws<ArgumentOutOfRangeException>(() => test.Cache.Read(-1, buffer));
    }
}
