namespace RestoreAgents.Caching.Tests;

/// <summary>Each of Azure's page-blob rules at its boundary: one byte (or one page) either side.</summary>
public sealed class PageBlobRulesTests
{
    private const int MiB = 1024 * 1024;
    private const long TiB = 1024L * 1024 * 1024 * 1024;
    private const string Blob = "https://acct.blob.core.windows.net/restores/disk.vhd";

    [Fact]
    public void TheRules_AreAzures()
    {
        Assert.Equal(512, PageBlobRules.SectorSize);
        Assert.Equal(4 * MiB, PageBlobRules.MaxPutPageBytes);
        Assert.Equal(8 * TiB, PageBlobRules.MaxBlobBytes);
        Assert.Equal(MiB, PageBlobRules.VhdAlignment);
    }

    [Theory]
    [InlineData(511)]
    [InlineData(513)]
    [InlineData(1000)]
    [InlineData(0)]
    [InlineData(-512)]
    [InlineData(4L * MiB + 512)]
    [InlineData(8L * MiB)]
    public void ValidatePageSize_RejectsSizesAzureCannotWriteInOneCall_WithTheRule(long pageSize)
    {
        var e = Assert.Throws<InvalidPageSizeException>(() => PageBlobRules.ValidatePageSize(pageSize));

        Assert.Equal(
            $"page size {pageSize} is not a multiple of 512 between 512 and 4194304 (4 MiB, the largest Azure Put Page)",
            e.Message);
        Assert.Equal(pageSize, e.PageSize);
        Assert.IsAssignableFrom<ArgumentException>(e);
        Assert.False(PageBlobRules.IsValidPageSize(pageSize));
    }

    [Theory]
    [InlineData(512)]
    [InlineData(1536)]
    [InlineData(4L * MiB - 512)]
    [InlineData(4L * MiB)]
    public void ValidatePageSize_AcceptsMultiplesOf512From512To4MiB(long pageSize)
    {
        PageBlobRules.ValidatePageSize(pageSize);
        Assert.True(PageBlobRules.IsValidPageSize(pageSize));
    }

    [Theory]
    [InlineData(512)]
    [InlineData(8 * TiB - 512)]
    [InlineData(8 * TiB)]
    public void ValidateBlobSize_AcceptsWholePagesUpTo8TiB(long size) => PageBlobRules.ValidateBlobSize(size, "disk.vhd");

    [Theory]
    [InlineData(0)]
    [InlineData(-512)]
    [InlineData(511)]
    [InlineData(513)]
    [InlineData(8 * TiB + 512)]
    public void ValidateBlobSize_RejectsPartPages_AndMoreThan8TiB_NamingTheBlob(long size)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PageBlobRules.ValidateBlobSize(size, "disk.vhd"));

        Assert.StartsWith($"size {size} of page blob 'disk.vhd' is not a positive multiple of 512 bytes of at most "
            + "8796093022208 (8 TiB)", e.Message);
        Assert.Equal("size", e.ParamName);
    }

    [Theory]
    [InlineData(0, 4L * MiB)]
    [InlineData(4L * MiB, 4L * MiB - 512)]
    [InlineData(512, 512)]
    public void ValidatePutPage_AcceptsWholePagesOfAtMost4MiB_InsideTheBlob(long offset, long length) =>
        PageBlobRules.ValidatePutPage(offset, length, 16L * MiB, Blob);

    [Fact]
    public void ValidatePutPage_Rejects4MiBPlus512_NamingTheBlobAndTheOffset()
    {
        var e = Assert.Throws<ArgumentException>(
            () => PageBlobRules.ValidatePutPage(MiB, 4L * MiB + 512, 16L * MiB, Blob));

        Assert.Equal($"write of 4194816 bytes at offset {MiB} to {Blob} is larger than 4194304 bytes "
            + "(4 MiB, the largest Azure Put Page) (Parameter 'data')", e.Message);
    }

    [Theory]
    [InlineData(511, 512, "offset")]
    [InlineData(513, 512, "offset")]
    [InlineData(512, 511, "length")]
    [InlineData(512, 513, "length")]
    [InlineData(512, 0, "length")]
    public void ValidatePages_RejectsWhatIsNotWholePages(long offset, long length, string parameter)
    {
        var e = Assert.Throws<ArgumentException>(
            () => PageBlobRules.ValidatePages("clear", offset, length, 16L * MiB, Blob));

        Assert.StartsWith($"clear of {length} bytes at offset {offset} to {Blob} is not whole pages: the offset and "
            + "the length must be multiples of 512 and the length more than 0", e.Message);
        Assert.Equal(parameter, e.ParamName);
    }

    [Theory]
    [InlineData(-512, 512)]
    [InlineData(MiB - 512, 1024)]
    [InlineData(MiB, 512)]
    public void ValidatePages_RejectsRangesOutsideTheBlob(long offset, long length)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(
            () => PageBlobRules.ValidatePages("write", offset, length, MiB, Blob));

        Assert.StartsWith($"write of {length} bytes at offset {offset} is outside {Blob} of {MiB} bytes", e.Message);
    }

    [Fact]
    public void ValidatePages_AcceptsTheLastPage() => PageBlobRules.ValidatePages("write", MiB - 512, 512, MiB, Blob);

    [Theory]
    [InlineData(1, MiB)]
    [InlineData(512, MiB)]
    [InlineData(MiB - 1, MiB)]
    [InlineData(MiB, MiB)]
    [InlineData(MiB + 1, 2 * MiB)]
    [InlineData(MiB + 512, 2 * MiB)]
    [InlineData(5_000_000, 5 * MiB)]
    public void RoundUpToVhdAlignment_PadsToAWholeMiB(long size, long expected) =>
        Assert.Equal(expected, PageBlobRules.RoundUpToVhdAlignment(size));
}
