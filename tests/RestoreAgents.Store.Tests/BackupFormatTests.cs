using System.Security.Cryptography;
using RestoreAgents.DiskImages;
using RestoreAgents.Testing;

namespace RestoreAgents.Store.Tests;

/// <summary>
/// Backs up one ext4 disk in every format and variant qemu-img makes (and a differencing VHD), reads the copy back
/// through the store and compares it with the disk; damaged images fail naming the file and the offset, and leave
/// no copy.
/// </summary>
[Requires(RealPart.QemuImg)]
public sealed class BackupFormatTests(Ext4DiskFixture disk) : IClassFixture<Ext4DiskFixture>, IDisposable
{
    private const int Block = 64 * 1024;
    private readonly TempDirectory _folder = new("backup-formats");

    private SecondaryCopyStore Store => new(_folder.Combine("store"));

    public static TheoryData<string> Variants => new(DiskImageVariants.All.Select(variant => variant.Name));

    public static TheoryData<string> Truncatable => new(ImageDamage.Truncatable);

    public static TheoryData<string> WithTables => new(ImageDamage.WithTables);

    public void Dispose() => _folder.Dispose();

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Backup_OfEveryVariant_ReadsBackAsTheDisk_HavingReadAboutItsData(string name)
    {
        var variant = DiskImageVariants.Named(name);
        var (image, expectedPath) = await DiskImageVariants.CreateAsync(variant, disk.Raw, _folder.Path);
        var expected = await File.ReadAllBytesAsync(expectedPath);
        BackupProgress? last = null;

        var copy = await new BackupWriter(Store).BackupAsync(image, name, new BackupOptions { BlockSize = Block },
            new SynchronousProgress(p => last = p), CancellationToken.None);

        Assert.Equal(variant.Format, copy.SourceFormat);
        Assert.Equal(expected.Length, copy.DiskSize);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expected)), copy.DiskSha256);
        var restored = new byte[copy.DiskSize];
        await foreach (var block in Store.ReadBlocksAsync(name, null, CancellationToken.None))
            block.Data.Span.CopyTo(restored.AsSpan((int)block.Offset));
        Assert.True(expected.AsSpan().SequenceEqual(restored), $"the copy of {name} differs from the disk");

        var (read, unallocated) = (last!.Value.ImageBytesRead, last.Value.UnallocatedBytes);
        if (variant.MapsAllocation)
        {
            Assert.True(read <= ImageFilesLength() + (1 << 20) && read < copy.DiskSize / 2,
                $"read {read} bytes of image files of {ImageFilesLength()} bytes for a disk of {copy.DiskSize}");
            Assert.True(unallocated > copy.DiskSize / 2, $"only {unallocated} bytes of the disk skipped as unallocated");
        }
        else
        {
            Assert.True(read >= copy.DiskSize, $"a {name} image has no map, so all {copy.DiskSize} bytes are read, not {read}");
            Assert.Equal(0, unallocated);
        }
    }

    [Theory]
    [MemberData(nameof(Truncatable))]
    public Task Backup_OfATruncatedImage_FailsNamingFileAndOffset_AndLeavesNoCopy(string name) =>
        AssertBackupFailsAsync<DiskImageException>(name, image => (ImageDamage.Truncate(name, image), null));

    [Theory]
    [MemberData(nameof(WithTables))]
    public Task Backup_OfAnImageWhoseTablePointsPastItsEnd_FailsNamingTheEntry_AndLeavesNoCopy(string name) =>
        AssertBackupFailsAsync<CorruptDiskImageException>(name, image => (image, ImageDamage.PointTablePastEnd(name, image)));

    /// <summary>Damages the variant, backs it up, and asserts the failure names the damaged file and the offset
    /// (<paramref name="damage"/> says which file, and which offset when it knows) and that no copy is left.</summary>
    private async Task AssertBackupFailsAsync<T>(string name, Func<string, (string File, long? Offset)> damage)
        where T : DiskImageException
    {
        var (image, _) = await DiskImageVariants.CreateAsync(DiskImageVariants.Named(name), disk.Raw, _folder.Path);
        var (file, offset) = damage(image);

        var error = await Assert.ThrowsAnyAsync<T>(() => BackupAsync(image, name));

        Assert.Equal(file, error.ImagePath);
        Assert.NotNull(error.Offset);
        if (offset is not null) Assert.Equal(offset, error.Offset);
        Assert.Contains($"disk image '{file}'", error.Message);
        Assert.Contains($"at offset {error.Offset}:", error.Message);
        Assert.Empty(Store.ListCopies());
        Assert.Throws<CopyNotFoundException>(() => Store.GetCopy(name));
    }

    private Task<CopyManifest> BackupAsync(string image, string name) =>
        new BackupWriter(Store).BackupAsync(image, name, new BackupOptions { BlockSize = Block }, null, CancellationToken.None);

    // The image and every file it reads through to (its parent, backing file or extent), not the raw disks.
    private long ImageFilesLength() =>
        Directory.EnumerateFiles(_folder.Path)
            .Where(file => !file.EndsWith(".raw", StringComparison.Ordinal))
            .Sum(file => new FileInfo(file).Length);

    private sealed class SynchronousProgress(Action<BackupProgress> report) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value) => report(value);
    }
}
