using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using RestoreAgents.Testing;

namespace RestoreAgents.Cli.Tests;

/// <summary>
/// `restorectl mount` as a real process on a real FUSE mount over real Azurite: the tools people use (dd,
/// truncate, qemu-img, cat, cmp, rm) work on the folder, and what they write is in the page blobs once the
/// mount is stopped with a signal. Disks are a few MiB with 1 MiB pages and a 2 MiB cache, smaller than each disk.
/// </summary>
[Requires(RealPart.Azurite)]
[Collection(AzuriteCollection.Name)]
public sealed class MountCommandTests(AzuriteFixture azurite) : IDisposable
{
    private const int MiB = 1024 * 1024;

    private readonly TempDirectory _work = new("restorectl-mount");

    public void Dispose() => _work.Dispose();

    private string MountPoint => _work.Combine("mnt");

    private string[] SmallCache(params string[] more) =>
        ["--page-size", "1MiB", "--cache-size", "2MiB", "--cache-dir", _work.Combine("cache"), .. more];

    private string[] WithConnectionString(string container) =>
        SmallCache("--connection-string-file", SecretFile("connection-string", azurite.ConnectionString),
            "--container", container);

    /// <summary>A SAS URL as an operator passes one: in a file only they can read.</summary>
    private string[] WithSasUrl(string sasUrl, params string[] more) =>
        SmallCache(["--sas-url-file", SecretFile("sas-url", sasUrl), .. more]);

    private string SecretFile(string name, string secret) => OwnerOnlyFile.Write(_work.Combine(name), secret);

    private async Task<BlobContainerClient> NewContainerAsync()
    {
        var container = new BlobContainerClient(azurite.ConnectionString, $"mount{Guid.NewGuid():N}");
        await container.CreateAsync();
        return container;
    }

    private static async Task<byte[]> BlobBytesAsync(BlobContainerClient container, string blobName)
    {
        var properties = (await container.GetBlobClient(blobName).GetPropertiesAsync()).Value;
        Assert.Equal(BlobType.Page, properties.BlobType);
        return (await container.GetBlobClient(blobName).DownloadContentAsync()).Value.Content.ToArray();
    }

    /// <summary>3 MiB of random bytes, 2 MiB of zeros, then 1 MiB + 3.5 KiB of random bytes: not whole pages.</summary>
    private async Task<byte[]> WriteSourceAsync(string path)
    {
        var bytes = new byte[6 * MiB + 3584];
        var random = new Random(7);
        random.NextBytes(bytes.AsSpan(0, 3 * MiB));
        random.NextBytes(bytes.AsSpan(5 * MiB));
        await File.WriteAllBytesAsync(path, bytes);
        return bytes;
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(program, arguments);
        Assert.True(result.ExitCode == 0,
            $"{program} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Combined}");
    }

    [Requires(RealPart.Fuse)]
    [Fact]
    public async Task Mount_Dd_IntoATruncatedFile_MakesAPageBlob_EqualToTheSource()
    {
        var container = await NewContainerAsync();
        var source = _work.Combine("source.raw");
        var expected = await WriteSourceAsync(source);
        await using var mount = await RestorectlMount.StartAsync(MountPoint, WithConnectionString(container.Name));
        var disk = mount.File("disk.raw");

        // dd alone cannot make a disk: it creates the file without a size, and a page blob needs one first.
        var unsized = await ProcessRunner.RunAsync("dd", ["if=" + source, "of=" + disk, "bs=1M", "status=none"]);
        Assert.NotEqual(0, unsized.ExitCode);
        Assert.Contains("File too large", unsized.Combined);
        await RunAsync("truncate", "-s", expected.Length.ToString(), disk);
        await RunAsync("dd", "if=" + source, "of=" + disk, "bs=1M", "status=none");
        await RunAsync("cmp", source, disk);

        Assert.Equal(ExitCodes.Success, await mount.StopAsync("INT"));
        Assert.Equal(expected, await BlobBytesAsync(container, "disk.raw"));
        Assert.Contains($"created page blob 'disk.raw' ({ByteSize.Format(expected.Length)})", mount.Output);
        Assert.Contains("finished page blob 'disk.raw'", mount.Output);
        Assert.Contains($"unmounted {MountPoint}", mount.Output);
        Assert.Equal("", mount.Error);
        Assert.DoesNotContain(MountPoint, File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]));
    }

    [Requires(RealPart.Fuse, RealPart.QemuImg)]
    [Fact]
    public async Task Mount_QemuImgConvert_ToRaw_MakesAPageBlob_EqualToTheImagesContent()
    {
        var container = new BlobContainerClient(azurite.ConnectionString, $"mount{Guid.NewGuid():N}");
        var raw = _work.Combine("source.raw");
        await TestDiskImage.CreateAsync(raw, 6 * MiB + 512, seed: 11);
        var qcow2 = _work.Combine("source.qcow2");
        await QemuImg.RunAsync("convert", "-f", "raw", "-O", "qcow2", raw, qcow2);
        await using var mount = await RestorectlMount.StartAsync(MountPoint,
            [.. WithConnectionString(container.Name), "--create-container"]);

        await QemuImg.RunAsync("convert", "-O", "raw", qcow2, mount.File("disk2.raw"));

        Assert.Equal(ExitCodes.Success, await mount.StopAsync("TERM"));
        Assert.Equal(await File.ReadAllBytesAsync(raw), await BlobBytesAsync(container, "disk2.raw"));
        Assert.StartsWith($"created container '{container.Name}'", mount.Output);
    }

    [Requires(RealPart.Fuse)]
    [Fact]
    public async Task Mount_ShowsExistingPageBlobs_ThatReadBack_KeepTheirPagesOnPartialWrites_AndGoWithRm()
    {
        var container = await NewContainerAsync();
        // Written in two ranges, with a hole between and a page nobody wrote.
        var expected = new byte[3 * MiB + 512];
        new Random(21).NextBytes(expected.AsSpan(MiB / 2, MiB));
        new Random(22).NextBytes(expected.AsSpan(3 * MiB - 512, 1024));
        var existing = container.GetPageBlobClient("old.raw");
        await existing.CreateAsync(expected.Length);
        await existing.UploadPagesAsync(new MemoryStream(expected, MiB / 2, MiB), MiB / 2);
        await existing.UploadPagesAsync(new MemoryStream(expected, 3 * MiB - 512, 1024), 3 * MiB - 512);
        var nested = container.GetPageBlobClient("job/nested.raw");
        await nested.CreateAsync(MiB);
        await container.GetPageBlobClient("a/b/deep.raw").CreateAsync(MiB);
        await container.GetBlobClient("notes.txt").UploadAsync(BinaryData.FromString("not a disk"));
        var local = _work.Combine("expected.raw");
        await File.WriteAllBytesAsync(local, expected);
        const BlobContainerSasPermissions readCreateWriteDeleteList = BlobContainerSasPermissions.Read
            | BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write
            | BlobContainerSasPermissions.Delete | BlobContainerSasPermissions.List;
        var sasUrl = ContainerSasUrl(container.Name, readCreateWriteDeleteList);
        await using var mount = await RestorectlMount.StartAsync(MountPoint, WithSasUrl(sasUrl));

        Assert.Equal(["job", "old.raw"], Directory.GetFileSystemEntries(MountPoint).Select(Path.GetFileName).Order());
        Assert.Equal(expected.Length, new FileInfo(mount.File("old.raw")).Length);
        await RunAsync("cmp", local, mount.File("old.raw"));
        Assert.Equal(expected, await File.ReadAllBytesAsync(mount.File("old.raw")));
        // Five bytes into the middle of a stored page: the rest of that page must survive the upload.
        var patch = "HELLO"u8.ToArray();
        var patchFile = _work.Combine("patch");
        await File.WriteAllBytesAsync(patchFile, patch);
        await RunAsync("dd", "if=" + patchFile, "of=" + mount.File("old.raw"), "bs=1", $"seek={MiB + 7}",
            "conv=notrunc", "status=none");
        patch.CopyTo(expected, MiB + 7);
        await RunAsync("rm", mount.File("job", "nested.raw"));

        Assert.Equal(ExitCodes.Success, await mount.StopAsync());
        Assert.Equal(expected, await BlobBytesAsync(container, "old.raw"));
        Assert.False((await nested.ExistsAsync()).Value);
        Assert.Contains("deleted page blob 'job/nested.raw'", mount.Output);
        Assert.Contains($"page blob 'old.raw' (3.0 MiB) is {mount.File("old.raw")}", mount.Output);
        Assert.Equal(
            ["warning: skipping page blob 'a/b/deep.raw': the mount shows blobs as FILE or FOLDER/FILE, not deeper",
                "warning: skipping block blob 'notes.txt': only page blobs are disks"],
            mount.ErrorLines);
        Assert.DoesNotContain(SignatureOf(sasUrl), mount.Output + mount.Error);
    }

    [Requires(RealPart.Fuse)]
    [Fact]
    public async Task Mount_WithoutCacheDir_CachesInAFreshFolderOnlyItsUserCanOpen_AndRemovesItAtUnmount()
    {
        var container = await NewContainerAsync();
        await using var mount = await RestorectlMount.StartAsync(MountPoint, "--page-size", "1MiB", "--cache-size",
            "2MiB", "--connection-string-file", SecretFile("connection-string", azurite.ConnectionString),
            "--container", container.Name);
        await RunAsync("truncate", "-s", (2 * MiB).ToString(), mount.File("private.raw"));
        await RunAsync("dd", "if=/dev/urandom", "of=" + mount.File("private.raw"), "bs=4096", "count=1",
            "conv=notrunc", "status=none");

        // "... cache 2 MiB per file in /tmp/restorectl-mount-<32 hex digits>)": a name no other user can guess.
        var said = System.Text.RegularExpressions.Regex.Match(mount.Output + mount.Error,
            @"per file in (?<folder>\S*restorectl-mount-[0-9a-f]{32})\)");
        Assert.True(said.Success, $"no fresh cache folder named: {mount.Output} {mount.Error}");
        var folder = said.Groups["folder"].Value;
        Assert.Equal(Path.TrimEndingDirectorySeparator(Path.GetTempPath()), Path.GetDirectoryName(folder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            FileModes.Of(folder));

        await RunAsync("fusermount3", "-u", MountPoint);

        Assert.Equal(ExitCodes.Success, await mount.ExitCodeAsync());
        Assert.False(Directory.Exists(folder), $"{folder} is still there after the unmount");
    }

    [Requires(RealPart.Fuse)]
    [Fact]
    public async Task Mount_UnmountedFromOutside_UploadsWhatIsLeft_AndExitsZero()
    {
        var container = await NewContainerAsync();
        await using var mount = await RestorectlMount.StartAsync(MountPoint, WithConnectionString(container.Name));
        await RunAsync("truncate", "-s", (2 * MiB).ToString(), mount.File("small.raw"));
        var data = new byte[1000];
        new Random(5).NextBytes(data);
        await File.WriteAllBytesAsync(_work.Combine("data"), data);
        await RunAsync("dd", "if=" + _work.Combine("data"), "of=" + mount.File("small.raw"), "seek=3",
            "conv=notrunc", "status=none");

        await RunAsync("fusermount3", "-u", MountPoint);

        Assert.Equal(ExitCodes.Success, await mount.ExitCodeAsync());
        var expected = new byte[2 * MiB];
        data.CopyTo(expected, 3 * 512);
        Assert.Equal(expected, await BlobBytesAsync(container, "small.raw"));
        Assert.Contains("was unmounted from outside", mount.Error);
    }

    [Fact]
    public async Task Mount_WithASasUrlWhoseSignatureIsWrong_IsOneLine_AndExitCode4()
    {
        var container = await NewContainerAsync();
        var sasUrl = ContainerSasUrl(container.Name, BlobContainerSasPermissions.All);
        var signature = SignatureOf(sasUrl);
        var forged = sasUrl.Replace(Uri.EscapeDataString(signature), Uri.EscapeDataString("AAAA" + signature[4..]),
            StringComparison.Ordinal);
        Assert.NotEqual(sasUrl, forged);

        var result = await RunMountAsync(WithSasUrl(forged));

        Assert.Equal(ExitCodes.OtherError, result.ExitCode);
        var line = Assert.Single(ErrorLines(result));
        Assert.StartsWith($"error: Could not list the blobs of container '{container.Name}'", line);
        Assert.Contains("access was denied", line);
        Assert.DoesNotContain("sig=", line);
        Assert.False(Directory.Exists(MountPoint));
    }

    [Fact]
    public async Task Mount_WithASasUrlThatIsNotAContainerSasUrl_IsAUsageError()
    {
        var result = await RunMountAsync(WithSasUrl("not-a-url"));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("the SAS URL is not an absolute http:// or https:// URL", Assert.Single(ErrorLines(result)));
    }

    [Fact]
    public async Task Mount_CreateContainer_WithASasUrl_IsAUsageError()
    {
        var container = await NewContainerAsync();
        var sasUrl = ContainerSasUrl(container.Name, BlobContainerSasPermissions.All);

        var result = await RunMountAsync(WithSasUrl(sasUrl, "--create-container"));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--create-container needs a connection string", Assert.Single(ErrorLines(result)));
    }

    [Fact]
    public async Task Mount_OfAMissingContainer_IsOneLine_NamingCreateContainer_AndExitCode5()
    {
        var result = await RunMountAsync(WithConnectionString("no-such-container"));

        Assert.Equal(ExitCodes.TargetNotReady, result.ExitCode);
        var line = Assert.Single(ErrorLines(result));
        Assert.Equal("error: container 'no-such-container' does not exist: give --create-container to create it",
            line.TrimEnd());
        Assert.DoesNotContain(AzuriteFixture.AccountKey, line);
        Assert.False(await new BlobContainerClient(azurite.ConnectionString, "no-such-container").ExistsAsync());
    }

    [Theory]
    [InlineData("file", "is a file, not a folder")]
    [InlineData("file/mnt", "cannot be created")]
    public async Task Mount_AtAMountPointThatCannotBeAFolder_IsAUsageError(string mountPoint, string why)
    {
        var container = await NewContainerAsync();
        await File.WriteAllTextAsync(_work.Combine("file"), "not a folder");

        var result = await RunMountAsync(WithConnectionString(container.Name), _work.Combine(mountPoint));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        var line = Assert.Single(ErrorLines(result));
        Assert.StartsWith($"error: mount point {_work.Combine(mountPoint)} ", line);
        Assert.Contains(why, line);
    }

    private Task<ProcessResult> RunMountAsync(string[] arguments, string? mountPoint = null) =>
        ProcessRunner.RunAsync("dotnet", [RestorectlProcess.Path, "mount", .. arguments, mountPoint ?? MountPoint],
            TimeSpan.FromSeconds(120));

    private static string[] ErrorLines(ProcessResult result) =>
        result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private string ContainerSasUrl(string container, BlobContainerSasPermissions permissions) =>
        AzuriteSas.ContainerSasUrl(azurite.BlobEndpoint, container, permissions);

    private static string SignatureOf(string sasUrl) => AzuriteSas.SignatureOf(sasUrl);
}
