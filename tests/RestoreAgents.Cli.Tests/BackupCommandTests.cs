using System.Globalization;
using System.Text.RegularExpressions;
using RestoreAgents.Store;
using RestoreAgents.Testing;

namespace RestoreAgents.Cli.Tests;

/// <summary>`backup` writes a real copy into a real store on disk, and says what it stored.</summary>
public sealed class BackupCommandTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly TempDirectory _work = new("restorectl-backup");

    private string Store => _work.Combine("store");

    public void Dispose() => _work.Dispose();

    private async Task<string> ImageAsync(string name, long size, double dataFraction = 0.4)
    {
        var path = _work.Combine(name);
        await TestDiskImage.CreateAsync(path, size, seed: 7, dataFraction);
        return path;
    }

    [Fact]
    public async Task Backup_WritesACopy_AndPrintsDiskAllocatedStoredAndZeros()
    {
        var image = await ImageAsync("disk.raw", 24 * MiB);

        var result = await CliRun.Of("backup", "--store", Store, "--image", image, "--name", "vm01", "--block-size", "256KiB");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("", result.Error);
        var copy = Assert.Single(new SecondaryCopyStore(Store).ListCopies());
        Assert.Equal("vm01", copy.Name);
        Assert.Equal(256 * 1024, copy.BlockSize);
        Assert.Contains($"copy vm01 backed up into {Store}", result.Output);
        Assert.Contains($"disk 24.0 MiB (raw), allocated {ByteSize.Format(copy.AllocatedBytes)}, "
            + $"zeros skipped {ByteSize.Format(copy.DiskSize - copy.AllocatedBytes)}", result.Output);
        Assert.Matches(@"stored \d+(\.\d)? [KM]iB after dedup and compression \(\d+ blocks already in the store\)", result.Output);
        Assert.Contains("backing up vm01: 24.0 MiB of 24.0 MiB (100%)", result.Output);
    }

    [Fact]
    public async Task Backup_OfTheSameDiskAgain_StoresNothingNew()
    {
        var image = await ImageAsync("disk.raw", 8 * MiB, dataFraction: 1.0);
        await CliRun.Of("backup", "--store", Store, "--image", image, "--name", "monday");

        var result = await CliRun.Of("backup", "--store", Store, "--image", image, "--name", "tuesday");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("stored 0 B after dedup and compression (8 blocks already in the store)", result.Output);
    }

    [Fact]
    public async Task Backup_RefusesANameAlreadyInTheStore_AsOneLine()
    {
        var image = await ImageAsync("disk.raw", 2 * MiB);
        await CliRun.Of("backup", "--store", Store, "--image", image, "--name", "vm01");

        var result = await CliRun.Of("backup", "--store", Store, "--image", image, "--name", "vm01");

        Assert.Equal(ExitCodes.OtherError, result.ExitCode);
        Assert.Equal("error: copy 'vm01' already exists in the store; choose another name",
            Assert.Single(result.ErrorLines).TrimEnd());
    }

    [Fact]
    public async Task Backup_OfAMissingImage_IsOneLine_AndExitCode4()
    {
        var missing = _work.Combine("nope.raw");

        var result = await CliRun.Of("backup", "--store", Store, "--image", missing, "--name", "vm01");

        Assert.Equal(ExitCodes.OtherError, result.ExitCode);
        Assert.Equal($"error: disk image {missing} does not exist", Assert.Single(result.ErrorLines).TrimEnd());
    }

    [Requires(RealPart.QemuImg)]
    [Fact]
    public async Task Backup_OfAQcow2Disk_StoresIt_AndSaysHowLittleOfTheImageItRead()
    {
        var raw = _work.Combine("disk.raw");
        await Ext4TestDisk.CreateAsync(raw, 32 * MiB, seed: 5);
        var qcow2 = _work.Combine("disk.qcow2");
        await QemuImg.RunAsync("convert", "-q", "-f", "raw", "-O", "qcow2", raw, qcow2);

        var result = await CliRun.Of("backup", "--store", Store, "--image", qcow2, "--name", "vm01");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var copy = Assert.Single(new SecondaryCopyStore(Store).ListCopies());
        Assert.Equal("qcow2", copy.SourceFormat);
        Assert.Contains("disk 32.0 MiB (qcow2)", result.Output);
        var read = Assert.Single(result.Output.Split('\n'), line => line.Contains("of image files")).Trim();
        var figure = Regex.Match(read, @"^read (\d+(?:\.\d)?) (KiB|MiB) of image files \(allocation tables and data\); \d+(\.\d)? MiB unallocated in the image, not read$");
        Assert.True(figure.Success, read);
        var bytes = double.Parse(figure.Groups[1].Value, CultureInfo.InvariantCulture)
            * (figure.Groups[2].Value == "MiB" ? MiB : 1024);
        Assert.True(bytes < 16 * MiB, $"{read}: more than half of a 32 MiB disk that holds a few MiB of files");
    }

    [Fact]
    public async Task Backup_OfAFormatItDoesNotRead_SaysHowToConvertIt()
    {
        var vdi = _work.Combine("disk.img");
        await QemuImg.CreateAsync(vdi, "vdi", 8 * MiB);

        var result = await CliRun.Of("backup", "--store", Store, "--image", vdi, "--name", "vm01");

        Assert.Equal(ExitCodes.OtherError, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains($"disk image '{vdi}' cannot be backed up at offset 64: it is a VirtualBox VDI image", line);
        Assert.Contains("qemu-img convert -O raw", line);
        Assert.Empty(new SecondaryCopyStore(Store).ListCopies());
    }

    [Fact]
    public async Task Backup_OfADamagedImage_IsOneLineNamingFileAndOffset_AndStoresNoCopy()
    {
        var raw = await ImageAsync("disk.raw", 8 * MiB, dataFraction: 1.0);
        var qcow2 = _work.Combine("disk.qcow2");
        await QemuImg.RunAsync("convert", "-q", "-f", "raw", "-O", "qcow2", raw, qcow2);
        var entry = ImageDamage.PointTablePastEnd("qcow2", qcow2);

        var result = await CliRun.Of("backup", "--store", Store, "--image", qcow2, "--name", "vm01");

        Assert.Equal(ExitCodes.OtherError, result.ExitCode);
        Assert.StartsWith($"error: disk image '{qcow2}' is damaged at offset {entry}: L1 entry 0 places an L2 table",
            Assert.Single(result.ErrorLines));
        Assert.Empty(new SecondaryCopyStore(Store).ListCopies());
    }

    [Theory]
    [InlineData("--name", "bad/name", "copy name 'bad/name' is not valid")]
    [InlineData("--block-size", "1000", "block size 1000 is not a multiple of 4096")]
    [InlineData("--block-size", "128MiB", "block size 134217728 is not a multiple of 4096")]
    public async Task Backup_RefusesABadNameOrBlockSize_AsAUsageError(string option, string value, string expected)
    {
        var image = await ImageAsync("disk.raw", 1 * MiB);
        var args = new List<string> { "backup", "--store", Store, "--image", image, "--name", "vm01" };
        if (option == "--name") args[^1] = value;
        else args.AddRange([option, value]);

        var result = await CliRun.Of([.. args]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(expected, Assert.Single(result.ErrorLines));
    }
}
