using RestoreAgents.Testing;

namespace RestoreAgents.PseudoDisk.Tests;

/// <summary>Files created inside a real mount: sized by truncate through the <see cref="IDiskFactory"/>, or refused.</summary>
[Requires(RealPart.Fuse)]
public sealed class DiskFactoryMountTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task Mount_RefusesCreatingFilesAndFolders_WithoutADiskFactory()
    {
        using var work = new TempDirectory("pseudodisk-nofactory");
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"));
        Assert.Throws<UnauthorizedAccessException>(() =>
            File.Create(Path.Combine(mount.MountPath, "new.raw")).Dispose());
        Assert.Throws<UnauthorizedAccessException>(() =>
            Directory.CreateDirectory(Path.Combine(mount.MountPath, "job")));
        Assert.Empty(Directory.GetFileSystemEntries(mount.MountPath));
    }

    [Fact]
    public async Task Mount_CreatesADiskThroughTheFactory_WhenAFileIsCreatedAndTruncatedToASize()
    {
        using var work = new TempDirectory("pseudodisk-truncate");
        const long size = 12 * MiB + 1024;
        var source = work.Combine("source.raw");
        await TestDiskImage.CreateAsync(source, size, seed: 31);
        await using var factory = new FilePageBlobDiskFactory();
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"),
            new PseudoDiskMountOptions { DiskFactory = factory });
        Directory.CreateDirectory(Path.Combine(mount.MountPath, "container"));
        var path = Path.Combine(mount.MountPath, "container", "disk.raw");

        await Tools.RunAsync("truncate", "-s", size.ToString(), path);
        Assert.Equal(size, new FileInfo(path).Length);
        await Tools.DdAsync(source, path);

        Bytes.AssertSameFile(source, factory.StorePath("container", "disk.raw"));
        Bytes.AssertSameFile(source, path);
    }

    [Requires(RealPart.QemuImg)]
    [Fact]
    public async Task Mount_TakesANewDiskFromQemuImgConvert_WhichCreatesAndSizesTheFile()
    {
        using var work = new TempDirectory("pseudodisk-qemu-create");
        const long size = 10 * MiB;
        var source = work.Combine("source.raw");
        await TestDiskImage.CreateAsync(source, size, seed: 32);
        await using var factory = new FilePageBlobDiskFactory();
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"),
            new PseudoDiskMountOptions { DiskFactory = factory });
        var path = Path.Combine(mount.MountPath, "disk.raw");

        await QemuImg.RunAsync("convert", "-f", "raw", "-O", "raw", source, path);

        Assert.Equal(size, new FileInfo(path).Length);
        Bytes.AssertSameFile(source, factory.StorePath("", "disk.raw"));
    }

    [Fact]
    public async Task Mount_RefusesSizesThatAreNotWholeSectors_AndResizingADiskThatHasASize()
    {
        using var work = new TempDirectory("pseudodisk-sizes");
        await using var factory = new FilePageBlobDiskFactory();
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"),
            new PseudoDiskMountOptions { DiskFactory = factory });
        var path = Path.Combine(mount.MountPath, "disk.raw");
        File.Create(path).Dispose();
        Assert.Equal(0, new FileInfo(path).Length);

        var odd = await ProcessRunner.RunAsync("truncate", ["-s", "1000", path]);
        Assert.NotEqual(0, odd.ExitCode);
        Assert.Contains("Invalid argument", odd.Combined);

        await Tools.RunAsync("truncate", "-s", (2 * MiB).ToString(), path);
        var grow = await ProcessRunner.RunAsync("truncate", ["-s", (3 * MiB).ToString(), path]);
        Assert.Contains("File too large", grow.Combined);
        var shrink = await ProcessRunner.RunAsync("truncate", ["-s", MiB.ToString(), path]);
        Assert.Contains("Invalid argument", shrink.Combined);
        Assert.Equal(2 * MiB, new FileInfo(path).Length);
    }

    [Fact]
    public async Task Mount_RefusesInvalidNames_WhenCreatingFiles()
    {
        using var work = new TempDirectory("pseudodisk-badnames");
        await using var factory = new FilePageBlobDiskFactory();
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"),
            new PseudoDiskMountOptions { DiskFactory = factory });
        // A backslash is a separator on Windows and in blob tools: EINVAL.
        var backslash = Assert.ThrowsAny<IOException>(() =>
            File.Create(Path.Combine(mount.MountPath, "bad\\name.raw")).Dispose());
        Assert.Contains("Invalid argument", backslash.Message);
        // Longer than 255 bytes: ENAMETOOLONG from the pseudo-disk (FUSE itself passes up to 1024).
        Assert.Throws<PathTooLongException>(() =>
            File.Create(Path.Combine(mount.MountPath, new string('x', 300))).Dispose());
        // A folder inside a folder: disks live one level down at most.
        Directory.CreateDirectory(Path.Combine(mount.MountPath, "job"));
        Assert.Throws<UnauthorizedAccessException>(() =>
            Directory.CreateDirectory(Path.Combine(mount.MountPath, "job", "deeper")));
        Assert.Equal(["job"], Directory.GetFileSystemEntries(mount.MountPath).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Mount_DeletesACreatedDisk_ThroughTheFactory()
    {
        using var work = new TempDirectory("pseudodisk-unlink");
        await using var factory = new FilePageBlobDiskFactory();
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"),
            new PseudoDiskMountOptions { DiskFactory = factory, AttributeTimeout = TimeSpan.Zero });
        Directory.CreateDirectory(Path.Combine(mount.MountPath, "job"));
        var path = Path.Combine(mount.MountPath, "job", "disk.raw");
        await Tools.RunAsync("truncate", "-s", MiB.ToString(), path);

        File.Delete(path);
        Directory.Delete(Path.Combine(mount.MountPath, "job"));

        Assert.Equal(["job/disk.raw"], factory.Deleted);
        Assert.False(File.Exists(factory.StorePath("job", "disk.raw")));
        Assert.Empty(Directory.GetFileSystemEntries(mount.MountPath));
    }

    [Fact]
    public async Task Mount_AnswersAnIOError_WhenTheFactoryFails_AndKeepsServing()
    {
        using var work = new TempDirectory("pseudodisk-factoryfails");
        await using var factory = new FilePageBlobDiskFactory
        {
            FailWith = new InvalidOperationException("the cloud said no"),
        };
        var log = new RecordingLogger();
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"),
            new PseudoDiskMountOptions { DiskFactory = factory }, log);
        var path = Path.Combine(mount.MountPath, "disk.raw");

        var truncate = await ProcessRunner.RunAsync("truncate", ["-s", MiB.ToString(), path]);

        Assert.Contains("Input/output error", truncate.Combined);
        Assert.Equal(1, mount.Statistics.Failures);
        Assert.Contains(log.AtLeast(Microsoft.Extensions.Logging.LogLevel.Error),
            line => line.Contains("truncate of '/disk.raw' failed", StringComparison.Ordinal)
                && line.Contains("the cloud said no", StringComparison.Ordinal));
        factory.FailWith = null;
        await Tools.RunAsync("truncate", "-s", MiB.ToString(), path);
        Assert.Equal(MiB, new FileInfo(path).Length);
    }
}
