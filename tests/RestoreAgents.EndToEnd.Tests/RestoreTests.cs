using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

[Requires(RealPart.Azurite, RealPart.Fuse, RealPart.QemuImg)]
[Collection(AgentsCollection.Name)]
public sealed class RestoreTests(AgentsFixture agents)
{
    private const uint MiB = 1024 * 1024;
    private const uint JournalAllowance = 64 * 1024;
    private readonly RestoreDriver _driver = new(agents);

    [Fact]
    public async Task Restore_DiskSixteenTimesTheCache_LandsAsAFixedVhdEqualToTheSource()
    {
        var image = Path.Combine(agents.WorkPath, "sixteen.raw");
        await TestDiskImage.CreateAsync(image, 64L * MiB, seed: 1);
        var copy = await _driver.BackupAsync(image, "sixteen");

        RestoreProgress result;
        await using (var watcher = new CacheFolderWatcher(agents.CacheDirectory))
        {
            result = await _driver.RestoreAsync(_driver.Request("sixteen", "sixteen.vhd", pageSize: MiB, cacheSize: 4 * MiB));
            // The cache file, and beside it the job's journal: the request and page ranges, well under 64 KiB.
            Assert.True(watcher.PeakBytes <= 4 * MiB + JournalAllowance,
                $"cache folder held {watcher.PeakBytes} bytes, over 4 MiB and the journal's {JournalAllowance}");
        }

        Assert.Equal(RestoreState.Completed, result.State);
        Assert.True(result.Verified);
        Assert.Equal((ulong)copy.AllocatedBytes, result.BytesRestored);
        Assert.True(result.PagesUploaded > 0 && result.PagesUploaded <= 64);

        var blob = await _driver.DownloadAsync("sixteen.vhd");
        Assert.Equal(64L * MiB + 512, new FileInfo(blob).Length);
        var info = await QemuImg.InfoAsync(blob, "vpc");
        Assert.Equal("vpc", info.GetProperty("format").GetString());
        Assert.Equal(64L * MiB, info.GetProperty("virtual-size").GetInt64());
        var compare = await QemuImg.CompareAsync(image, blob, "raw", "vpc");
        Assert.True(compare.ExitCode == 0, compare.Combined);
    }

    [Theory]
    [InlineData(5_000_000L, 65536u)]          // not a multiple of 512, of the page, or of 1 MiB
    [InlineData(3L * 1024 * 1024 + 4096, 4194304u)] // smaller than one 4 MiB page
    [InlineData(9L * 1024 * 1024 + 512, 1536u)]      // an odd page size (3 sectors)
    [InlineData(2L * 1024 * 1024, 1536u)]            // a whole MiB: no padding, though 1536-byte pages overrun it
    public async Task Restore_DiskOfAnySize_EqualsSourceByteForByte_PaddedToAWholeMiB(long size, uint pageSize)
    {
        var name = $"odd-{size}-{pageSize}";
        var image = Path.Combine(agents.WorkPath, $"{name}.raw");
        await TestDiskImage.CreateAsync(image, size, seed: (int)(size % 1000), dataFraction: 0.6);
        await _driver.BackupAsync(image, name, blockSize: 64 * 1024);

        var result = await _driver.RestoreAsync(_driver.Request(name, $"{name}.vhd", pageSize, cacheSize: 4 * pageSize));

        Assert.True(result.State == RestoreState.Completed, result.Error);
        var blob = await _driver.DownloadAsync($"{name}.vhd");
        var source = await File.ReadAllBytesAsync(image);
        var restored = await File.ReadAllBytesAsync(blob);
        var dataSize = (size + MiB - 1) / MiB * MiB;
        Assert.Equal(dataSize + 512, restored.Length);
        Assert.True(source.AsSpan().SequenceEqual(restored.AsSpan(0, source.Length)), "restored bytes differ from the source");
        Assert.True(restored.AsSpan((int)size, (int)(dataSize - size)).IndexOfAnyExcept((byte)0) < 0, "padding is not zero");
        var info = await QemuImg.InfoAsync(blob, "vpc");
        Assert.Equal(dataSize, info.GetProperty("virtual-size").GetInt64());
    }

    [Fact]
    public async Task Restore_AllZeroDisk_UploadsNothingButTheFooter()
    {
        var image = Path.Combine(agents.WorkPath, "zeros.raw");
        await using (var file = File.Create(image)) file.SetLength(16L * MiB);
        await _driver.BackupAsync(image, "zeros");

        var result = await _driver.RestoreAsync(_driver.Request("zeros", "zeros.vhd", pageSize: MiB, cacheSize: 2 * MiB));

        Assert.True(result.State == RestoreState.Completed, result.Error);
        Assert.Equal(0ul, result.PagesUploaded);
        Assert.Equal(0ul, result.BytesRestored);
        var compare = await QemuImg.CompareAsync(image, await _driver.DownloadAsync("zeros.vhd"), "raw", "vpc");
        Assert.True(compare.ExitCode == 0, compare.Combined);
    }
}
