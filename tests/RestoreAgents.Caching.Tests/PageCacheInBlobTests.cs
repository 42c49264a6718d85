namespace RestoreAgents.Caching.Tests;

/// <summary>A cache over a store that already holds data (an existing page blob), declared with DeclareInBlob.</summary>
public sealed class PageCacheInBlobTests
{
    private const int Page = 4096;

    /// <summary>Puts bytes in the store behind the cache's back, as an earlier restore would have.</summary>
    private static async Task<byte[]> PutInStoreAsync(CacheUnderTest test, long offset, int length, int seed)
    {
        var bytes = TestBytes.NonZero(length, seed);
        await test.Store.WritePagesAsync(offset, bytes);
        bytes.CopyTo(test.Expected, offset);
        return bytes;
    }

    [Fact]
    public async Task PageCache_ReadsDeclaredStoredPages_FromTheStore()
    {
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page + 512);
        await PutInStoreAsync(test, Page + 512, 2 * Page, seed: 1);
        await PutInStoreAsync(test, 4 * Page, 512, seed: 2);

        test.Cache.DeclareInBlob(Page + 512, 2 * Page);
        test.Cache.DeclareInBlob(4 * Page, 512);
        var buffer = new byte[4 * Page + 512];
        int read = test.Cache.Read(0, buffer);

        Assert.Equal(buffer.Length, read);
        Assert.Equal(test.Expected, buffer);
        Assert.Equal(4, test.Store.Reads); // pages 1, 2, 3 and 4; page 0 holds nothing and is not asked for
    }

    [Fact]
    public async Task PageCache_ReadsUndeclaredPages_AsZeros_EvenWhenTheStoreHoldsData()
    {
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 2 * Page);
        await PutInStoreAsync(test, 0, Page, seed: 3);

        var buffer = new byte[Page];
        await test.Cache.ReadAsync(0, buffer);

        Assert.All(buffer, b => Assert.Equal(0, b));
        Assert.Equal(0, test.Store.Reads);
    }

    [Fact]
    public async Task PageCache_PartialWriteIntoAStoredPage_KeepsTheRestOfThePage()
    {
        await using var test = new CacheUnderTest(Page, slots: 1, diskSize: 3 * Page);
        await PutInStoreAsync(test, 0, 3 * Page, seed: 4);
        test.Cache.DeclareInBlob(0, 3 * Page);

        await test.WriteAsync(Page + 100, TestBytes.NonZero(300, seed: 5));
        test.Write(2 * Page - 7, TestBytes.NonZero(14, seed: 6)); // across pages 1 and 2, through one slot
        await test.Cache.FlushAsync();

        test.AssertStoreHoldsExpected();
        var buffer = new byte[3 * Page];
        await test.Cache.ReadAsync(0, buffer);
        Assert.Equal(test.Expected, buffer);
    }

    [Fact]
    public async Task PageCache_StoredPageOverwrittenWithZeros_IsClearedInTheStore()
    {
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 2 * Page);
        await PutInStoreAsync(test, Page, Page, seed: 7);
        test.Cache.DeclareInBlob(Page, Page);

        await test.WriteAsync(Page, new byte[Page]);
        await test.Cache.FlushAsync();

        Assert.Contains(new StoreCall(StoreCallKind.Clear, Page, Page), test.Store.Calls);
        Assert.All(test.Store.Contents(), b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task PageCache_RefusesToDeclareStored_PagesAlreadyWritten_OrOutsideTheDisk()
    {
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page);
        await test.WriteAsync(Page + 10, TestBytes.NonZero(10, seed: 8));

        var written = Assert.Throws<InvalidOperationException>(() => test.Cache.DeclareInBlob(0, 2 * Page));
        Assert.Contains("already written", written.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => test.Cache.DeclareInBlob(3 * Page, 2 * Page));
        test.Cache.DeclareInBlob(2 * Page, 2 * Page); // untouched pages are fine
    }
}
