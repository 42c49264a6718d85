namespace RestoreAgents.PageCache.Tests;

/// <summary>A cache over a store that already holds a disk (an existing page blob mounted as a file).</summary>
public sealed class PageCacheStoredTests
{
    private const int Page = 4096;

    private static async Task<CacheUnderTest> OverExistingDiskAsync(int slots = 2)
    {
        var test = new CacheUnderTest(Page, slots, diskSize: 4 * Page);
        var existing = TestBytes.NonZero(4 * Page, seed: 7);
        await test.Store.WritePagesAsync(0, existing);
        existing.CopyTo(test.Expected, 0);
        test.Cache.DeclareStored(0, 4 * Page);
        return test;
    }

    [Fact]
    public async Task DeclaredStoredData_ReadsBackFromTheStore()
    {
        await using var test = await OverExistingDiskAsync();
        var buffer = new byte[4 * Page];

        int read = await test.Cache.ReadAsync(0, buffer);

        Assert.Equal(4 * Page, read);
        Assert.Equal(test.Expected, buffer);
        Assert.True(test.Store.Reads > 0);
    }

    [Fact]
    public async Task PartialOverwriteOfStoredPage_KeepsTheRestOfThePage()
    {
        await using var test = await OverExistingDiskAsync();

        await test.WriteAsync(Page + 100, TestBytes.NonZero(200, seed: 8));
        test.Write(3 * Page + 4000, TestBytes.NonZero(96, seed: 9));
        await test.Cache.FlushAsync();

        test.AssertStoreHoldsExpected();
    }

    [Fact]
    public async Task WithoutTheDeclaration_APartialPageGoesUpWithZeros()
    {
        // The contrast that makes DeclareStored necessary: unknown store data counts as zeros.
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 2 * Page);
        await test.Store.WritePagesAsync(0, TestBytes.NonZero(2 * Page, seed: 10));

        await test.Cache.WriteAsync(100, TestBytes.NonZero(200, seed: 11));
        await test.Cache.FlushAsync();

        Assert.Equal(0, test.Store.Contents()[0]);
    }

    [Fact]
    public async Task DeclaringStoredData_AfterItsPageWasWritten_IsRefused()
    {
        await using var test = new CacheUnderTest(Page, slots: 2, diskSize: 4 * Page);
        await test.WriteAsync(Page, TestBytes.NonZero(10, seed: 12));

        var error = Assert.Throws<InvalidOperationException>(() => test.Cache.DeclareStored(0, 2 * Page));

        Assert.Contains("page 1", error.Message);
    }
}
