using System.Text;
using RestoreAgents.Testing;

namespace RestoreAgents.PseudoDisk.Tests;

/// <summary>The file system's answers as any driver (FUSE, or Dokan later) sees them: errno values, no kernel.</summary>
public sealed class PageCacheFileSystemTests
{
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a\0b")]
    public async Task AddDisk_RefusesNamesThatAreNotOnePathComponent(string name)
    {
        await using var disk = TestDisk.Create(MiB);
        var fileSystem = new PageCacheFileSystem();

        var asFile = Assert.Throws<InvalidDiskNameException>(() => fileSystem.AddDisk("job", name, disk.Cache));
        var asFolder = Assert.Throws<InvalidDiskNameException>(() =>
            fileSystem.AddDisk(name.Length == 0 ? "." : name, "disk.vhd", disk.Cache));

        Assert.Contains("disk file name", asFile.Message);
        Assert.Contains("folder name", asFolder.Message);
    }

    [Fact]
    public async Task AddDisk_RefusesNamesLongerThan255BytesOfUtf8()
    {
        await using var disk = TestDisk.Create(MiB);
        var fileSystem = new PageCacheFileSystem();

        fileSystem.AddDisk("job", new string('a', 255), disk.Cache);
        var error = Assert.Throws<InvalidDiskNameException>(() =>
            fileSystem.AddDisk("job", new string('é', 128), disk.Cache)); // 256 bytes

        Assert.Contains("longer than 255 bytes", error.Message);
    }

    [Fact]
    public async Task Write_FailsWithEFBIG_AtTheEnd_AndWritesWhatFits_AcrossIt()
    {
        await using var disk = TestDisk.Create(MiB);
        var fileSystem = new PageCacheFileSystem();
        fileSystem.AddDisk("job", "disk.vhd", disk.Cache);
        Assert.Equal(0, fileSystem.Open(Path("/job/disk.vhd"), PseudoDiskOpenMode.Write, out var handle));

        Assert.Equal(-Errno.EFBIG, fileSystem.Write(default, handle, MiB, new byte[512]));
        Assert.Equal(-Errno.EFBIG, fileSystem.Write(default, handle, MiB + 4096, new byte[512]));
        Assert.Equal(512, fileSystem.Write(default, handle, MiB - 512, new byte[1024]));
        Assert.Equal(-Errno.EINVAL, fileSystem.Write(default, handle, -1, new byte[1]));
        Assert.Equal(0, fileSystem.Release(default, handle));
        Assert.Equal(-Errno.EBADF, fileSystem.Write(default, handle, 0, new byte[1]));
    }

    [Fact]
    public async Task Write_IsRefused_OnAHandleOpenedForReading()
    {
        await using var disk = TestDisk.Create(MiB);
        var fileSystem = new PageCacheFileSystem();
        fileSystem.AddDisk("job", "disk.vhd", disk.Cache);
        Assert.Equal(0, fileSystem.Open(Path("/job/disk.vhd"), PseudoDiskOpenMode.Read, out var handle));

        Assert.Equal(-Errno.EBADF, fileSystem.Write(default, handle, 0, new byte[1]));
    }

    [Fact]
    public async Task Lookups_AnswerENOENT_ENOTDIR_AndENAMETOOLONG_AsAFileSystemShould()
    {
        await using var disk = TestDisk.Create(MiB);
        var fileSystem = new PageCacheFileSystem();
        fileSystem.AddDisk("job", "disk.vhd", disk.Cache);
        fileSystem.AddDisk("", "loose.raw", disk.Cache);

        Assert.Equal(0, fileSystem.GetAttributes(Path("/"), 0, out var root));
        Assert.True(root.IsDirectory);
        Assert.Equal(0, fileSystem.GetAttributes(Path("/job/disk.vhd"), 0, out var file));
        Assert.Equal(new PseudoDiskNode(PseudoDiskNodeKind.File, MiB, file.LastWriteTime), file);
        Assert.Equal(-Errno.ENOENT, fileSystem.GetAttributes(Path("/job/other.vhd"), 0, out _));
        Assert.Equal(-Errno.ENOENT, fileSystem.GetAttributes(Path("/job/disk.vhd/deeper"), 0, out _));
        Assert.Equal(-Errno.ENOTDIR, fileSystem.GetAttributes(Path("/loose.raw/x"), 0, out _));
        Assert.Equal(-Errno.ENAMETOOLONG, fileSystem.GetAttributes(Path("/" + new string('x', 256)), 0, out _));
        Assert.Equal(-Errno.ENOENT, fileSystem.Open(Path("/nothing"), PseudoDiskOpenMode.Read, out _));
        Assert.Equal(-Errno.EISDIR, fileSystem.Open(Path("/job"), PseudoDiskOpenMode.Read, out _));
        Assert.Equal(-Errno.EINVAL, fileSystem.GetAttributes([(byte)'/', 0xC3, 0x28], 0, out _));
    }

    [Fact]
    public async Task ReadDirectory_ListsFoldersAndRootDisksAtTheRoot_AndDisksInAFolder()
    {
        await using var disk = TestDisk.Create(MiB);
        var fileSystem = new PageCacheFileSystem();
        fileSystem.AddDisk("job-1", "disk0.vhd", disk.Cache);
        fileSystem.AddDisk("job-1", "disk1.vhd", disk.Cache);
        fileSystem.AddDisk("", "loose.raw", disk.Cache);

        var root = new List<PseudoDiskDirectoryEntry>();
        var job = new List<PseudoDiskDirectoryEntry>();
        Assert.Equal(0, fileSystem.ReadDirectory(Path("/"), root));
        Assert.Equal(0, fileSystem.ReadDirectory(Path("/job-1"), job));

        Assert.Equal([("job-1", true), ("loose.raw", false)], root.Select(e => (e.Name, e.Node.IsDirectory)).Order());
        Assert.Equal(["disk0.vhd", "disk1.vhd"], job.Select(e => e.Name).Order());
        Assert.Equal(-Errno.ENOTDIR, fileSystem.ReadDirectory(Path("/loose.raw"), []));
    }

    [Fact]
    public async Task Truncate_KeepsARegisteredDiskAtItsSize()
    {
        await using var disk = TestDisk.Create(MiB);
        var fileSystem = new PageCacheFileSystem();
        fileSystem.AddDisk("job", "disk.vhd", disk.Cache);

        Assert.Equal(0, fileSystem.Truncate(Path("/job/disk.vhd"), 0, MiB));
        Assert.Equal(-Errno.EFBIG, fileSystem.Truncate(Path("/job/disk.vhd"), 0, 2 * MiB));
        Assert.Equal(-Errno.EINVAL, fileSystem.Truncate(Path("/job/disk.vhd"), 0, 0));
        Assert.Equal(-Errno.EINVAL, fileSystem.Truncate(Path("/job/disk.vhd"), 0, -1));
        Assert.Equal(-Errno.EPERM, fileSystem.Unlink(Path("/job/disk.vhd")));
    }

    [Fact]
    public async Task Create_TakesACacheFromTheFactory_OnTheFirstSize_AndNotBefore()
    {
        await using var factory = new FilePageBlobDiskFactory();
        var fileSystem = new PageCacheFileSystem(factory);
        Assert.Equal(0, fileSystem.CreateDirectory(Path("/container")));
        Assert.Equal(-Errno.EEXIST, fileSystem.CreateDirectory(Path("/container")));

        Assert.Equal(0, fileSystem.Create(Path("/container/new.raw"), out var handle));
        Assert.Null(factory.CacheOf("container", "new.raw"));
        Assert.Equal(-Errno.EFBIG, fileSystem.Write(default, handle, 0, new byte[512]));
        Assert.Equal(0, fileSystem.Truncate(default, handle, 0));
        Assert.Null(factory.CacheOf("container", "new.raw"));

        Assert.Equal(0, fileSystem.Truncate(default, handle, 2 * MiB));
        Assert.Equal(2 * MiB, factory.CacheOf("container", "new.raw")!.DiskSize);
        Assert.Equal(512, fileSystem.Write(default, handle, 0, new byte[512]));
        Assert.Equal(-Errno.EEXIST, fileSystem.Create(Path("/container/new.raw"), out _));
        Assert.Equal(-Errno.ENOTEMPTY, fileSystem.RemoveDirectory(Path("/container")));
        Assert.Equal(0, fileSystem.Release(default, handle));
        Assert.Equal(0, fileSystem.Unlink(Path("/container/new.raw")));
        Assert.Equal(0, fileSystem.RemoveDirectory(Path("/container")));
    }

    [Fact]
    public async Task AddFactoryDisk_ServesADiskTheFactoryMadeBefore_ThatIsDeletedThroughTheFactory()
    {
        await using var disk = TestDisk.Create(MiB);
        await using var factory = new FilePageBlobDiskFactory();
        var fileSystem = new PageCacheFileSystem(factory);

        Assert.Equal("/job/old.raw", fileSystem.AddFactoryDisk("job", "old.raw", disk.Cache));
        Assert.Equal(0, fileSystem.GetAttributes(Path("/job/old.raw"), 0, out var node));
        Assert.Equal(MiB, node.Length);
        Assert.Equal(0, fileSystem.Truncate(Path("/job/old.raw"), 0, MiB));

        Assert.Equal(0, fileSystem.Unlink(Path("/job/old.raw")));
        Assert.Equal(["job/old.raw"], factory.Deleted);
        Assert.Equal(-Errno.ENOENT, fileSystem.GetAttributes(Path("/job"), 0, out _));
        Assert.Throws<InvalidOperationException>(() =>
            new PageCacheFileSystem().AddFactoryDisk("", "old.raw", disk.Cache));
    }

    [Fact]
    public void Create_AndCreateDirectory_AreRefusedWithEACCES_WithoutAFactory()
    {
        var fileSystem = new PageCacheFileSystem();

        Assert.Equal(-Errno.EACCES, fileSystem.Create(Path("/new.raw"), out _));
        Assert.Equal(-Errno.EACCES, fileSystem.CreateDirectory(Path("/job")));
        Assert.Equal(0, fileSystem.GetVolumeInfo(out var volume));
        Assert.Equal(0, volume.FreeBytes);
    }

    [Fact]
    public async Task Create_ValidatesTheNewName()
    {
        await using var factory = new FilePageBlobDiskFactory();
        var fileSystem = new PageCacheFileSystem(factory);

        Assert.Equal(-Errno.EINVAL, fileSystem.Create(Path("/a\\b"), out _));
        Assert.Equal(-Errno.ENAMETOOLONG, fileSystem.Create(Path("/" + new string('x', 256)), out _));
        Assert.Equal(-Errno.ENOENT, fileSystem.Create(Path("/missing-folder/disk.raw"), out _));
        Assert.Equal(0, fileSystem.Create(Path("/" + new string('x', 255)), out _));
    }

    [Fact]
    public async Task Flush_UploadsPartialPages_OnlyAfterTheHandleWrote()
    {
        await using var disk = TestDisk.Create(4 * MiB);
        var fileSystem = new PageCacheFileSystem();
        fileSystem.AddDisk("job", "disk.vhd", disk.Cache);
        Assert.Equal(0, fileSystem.Open(Path("/job/disk.vhd"), PseudoDiskOpenMode.ReadWrite, out var handle));

        Assert.Equal(0, fileSystem.Flush(default, handle));
        Assert.Equal(0, disk.Cache.Statistics.PagesUploaded);
        Assert.Equal(100, fileSystem.Write(default, handle, 10, Bytes.Random(100, seed: 51)));
        Assert.Equal(0, fileSystem.Flush(default, handle));

        Assert.Equal(1, disk.Cache.Statistics.PagesUploaded);
        Assert.Equal(Bytes.Random(100, seed: 51), Bytes.ReadRange(disk.StorePath, 10, 100));
        Assert.Equal(1, fileSystem.Statistics.CacheFlushes);
    }

    [Fact]
    public async Task Read_ReturnsZeroBytes_AtAndPastTheEnd()
    {
        await using var disk = TestDisk.Create(MiB);
        var fileSystem = new PageCacheFileSystem();
        fileSystem.AddDisk("", "disk.vhd", disk.Cache);
        Assert.Equal(0, fileSystem.Open(Path("/disk.vhd"), PseudoDiskOpenMode.Read, out var handle));

        Assert.Equal(0, fileSystem.Read(default, handle, MiB, new byte[4096]));
        Assert.Equal(0, fileSystem.Read(default, handle, 2 * MiB, new byte[4096]));
        Assert.Equal(512, fileSystem.Read(default, handle, MiB - 512, new byte[4096]));
    }

    private static byte[] Path(string path) => Encoding.UTF8.GetBytes(path);
}
