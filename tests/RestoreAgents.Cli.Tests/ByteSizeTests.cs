namespace RestoreAgents.Cli.Tests;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("512", 512L)]
    [InlineData("512B", 512L)]
    [InlineData("4KiB", 4096L)]
    [InlineData("4MiB", 4L * 1024 * 1024)]
    [InlineData("256MiB", 256L * 1024 * 1024)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("2TiB", 2L << 40)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("4 MiB", 4L * 1024 * 1024)]
    [InlineData(" 64k ", 64L * 1024)]
    [InlineData("4M", 4L * 1024 * 1024)]
    [InlineData("1g", 1L << 30)]
    [InlineData("4mib", 4L * 1024 * 1024)]
    [InlineData("4MB", 4_000_000L)]
    [InlineData("1KB", 1_000L)]
    [InlineData("0", 0L)]
    public void ByteSize_ParsesNumbersWithUnits(string text, long expected) =>
        Assert.Equal(expected, ByteSize.Parse(text));

    [Theory]
    [InlineData("", "a size is required")]
    [InlineData("   ", "a size is required")]
    [InlineData("MiB", "is not a size")]
    [InlineData("4 parsecs", "is not a size")]
    [InlineData("-4MiB", "is not a size")]
    [InlineData("4MiB4", "is not a size")]
    [InlineData("1.2.3", "is not a size")]
    [InlineData("0.3KiB", "not a whole number of bytes")]
    [InlineData("1.5", "not a whole number of bytes")]
    [InlineData("9000000TiB", "too large")]
    [InlineData("99999999999999999999999999999999", "too large")]
    public void ByteSize_RefusesWhatIsNotASize_SayingWhy(string text, string problem)
    {
        Assert.False(ByteSize.TryParse(text, out _, out var message));
        Assert.Contains(problem, message);
        var thrown = Assert.Throws<FormatException>(() => ByteSize.Parse(text));
        Assert.Equal(message, thrown.Message);
    }

    [Theory]
    [InlineData(0L, "0 B")]
    [InlineData(1023L, "1023 B")]
    [InlineData(1024L, "1.0 KiB")]
    [InlineData(4L * 1024 * 1024, "4.0 MiB")]
    [InlineData(3L << 29, "1.5 GiB")]
    [InlineData(5L << 40, "5.0 TiB")]
    public void ByteSize_FormatsInBinaryUnits(long bytes, string expected) =>
        Assert.Equal(expected, ByteSize.Format(bytes));

    [Fact]
    public void ByteSize_FormatsWhatItParses()
    {
        foreach (var text in new[] { "4.0 MiB", "256.0 MiB", "1.5 GiB" })
            Assert.Equal(text, ByteSize.Format(ByteSize.Parse(text)));
    }
}
