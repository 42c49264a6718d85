using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using RestoreAgents.Testing;

namespace RestoreAgents.Cli.Tests;

/// <summary>
/// `restorectl mount` on real Azurite and a real FUSE mount: tools write disks into the container through the
/// page cache, and page blobs already there read back.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class MountCommandTests(AzuriteFixture azurite) : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly TempDirectory _work = new("restorectl-mount");
    private readonly string _container = $"mount-{Guid.NewGuid():N}"[..20];

    public void Dispose() => _work.Dispose();

    private Task<MountedContainer> MountAsync() => MountedContainer.StartAsync(azurite.ConnectionString, _container,
        _work.Combine("mnt"), "--page-size", "1MiB", "--cache-size", "2MiB", "--cache-dir", _work.Combine("cache"));

    private async Task<byte[]> BlobAsync(string name)
    {
        var blob = new BlobContainerClient(azurite.ConnectionString, _container).GetBlobClient(name);
        return (await blob.DownloadContentAsync()).Value.Content.ToArray();
    }

    [Fact]
    public async Task Dd_IntoASizedFile_LandsInThePageBlobByteForByte()
    {
        // 5 MiB and three sectors: five full 1 MiB pages and a partial one, twice the cache and more.
        var source = _work.Combine("source.raw");
        await TestDiskImage.CreateAsync(source, 5L * MiB + 1536, seed: 61, dataFraction: 0.7);
        await using var mount = await MountAsync();

        await ProcessRunner.RunCheckedAsync("truncate", "-s", new FileInfo(source).Length.ToString(),
            mount.PathOf("disk.raw"));
        await ProcessRunner.RunCheckedAsync("dd", $"if={source}", $"of={mount.PathOf("disk.raw")}", "bs=1M",
            "conv=notrunc");
        Assert.Equal(0, await mount.StopAsync());

        Assert.Contains("created page blob", mount.Output);
        Assert.Equal(await File.ReadAllBytesAsync(source), await BlobAsync("disk.raw"));
        Assert.Empty(Directory.EnumerateFiles(_work.Combine("cache"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task QemuImgConvert_OfAQcow2_LandsAsItsRawContent()
    {
        var raw = _work.Combine("vm.raw");
        await TestDiskImage.CreateAsync(raw, 6L * MiB, seed: 62, dataFraction: 0.5);
        var qcow2 = _work.Combine("vm.qcow2");
        await QemuImg.RunAsync("convert", "-f", "raw", "-O", "qcow2", raw, qcow2);
        await using var mount = await MountAsync();

        await QemuImg.RunAsync("convert", "-f", "qcow2", "-O", "raw", qcow2, mount.PathOf("vm.raw"));
        Assert.Equal(0, await mount.StopAsync());

        Assert.Equal(await File.ReadAllBytesAsync(raw), await BlobAsync("vm.raw"));
    }

    [Fact]
    public async Task ExistingPageBlob_ListsAndReadsBack_AndAPartialOverwriteKeepsTheRest()
    {
        var content = new byte[3 * MiB];
        new Random(63).NextBytes(content);
        var container = new BlobContainerClient(azurite.ConnectionString, _container);
        await container.CreateIfNotExistsAsync();
        var blob = container.GetPageBlobClient("existing.vhd");
        await blob.CreateAsync(content.Length);
        await blob.UploadPagesAsync(new MemoryStream(content), 0);
        await using var mount = await MountAsync();

        Assert.Contains("existing.vhd", Directory.GetFiles(mount.MountPoint).Select(Path.GetFileName));
        Assert.Equal(content, await File.ReadAllBytesAsync(mount.PathOf("existing.vhd")));
        var patch = new byte[1000];
        new Random(64).NextBytes(patch);
        await using (var file = new FileStream(mount.PathOf("existing.vhd"), FileMode.Open, FileAccess.Write))
        {
            file.Position = MiB + 4096;
            await file.WriteAsync(patch);
        }
        Assert.Equal(0, await mount.StopAsync());

        patch.CopyTo(content, MiB + 4096);
        Assert.Equal(content, await BlobAsync("existing.vhd"));
    }

    [Fact]
    public async Task Mount_WithAContainerSasWithoutSignature_IsAUsageError()
    {
        var result = await new CliRun().RunAsync("mount", "--sas-url", "http://127.0.0.1:1/account/container",
            _work.Combine("mnt"));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("SAS", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Mount_OnAFile_FailsInOneLineNamingIt()
    {
        var notAFolder = _work.Combine("file");
        await File.WriteAllTextAsync(notAFolder, "x");

        var result = await new CliRun { Variables = { ["RESTOREAGENTS_CONNECTION_STRING"] = azurite.ConnectionString } }
            .RunAsync("mount", "--container", _container, notAFolder);

        Assert.Equal(ExitCodes.OtherError, result.ExitCode);
        Assert.Contains(notAFolder, Assert.Single(result.ErrorLines));
    }
}
