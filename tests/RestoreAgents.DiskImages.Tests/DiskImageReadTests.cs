using RestoreAgents.Testing;

namespace RestoreAgents.DiskImages.Tests;

/// <summary>Every format and variant qemu-img makes of one ext4 disk reads back as that disk, byte for byte.</summary>
[Requires(RealPart.QemuImg)]
public sealed class DiskImageReadTests(Ext4DiskFixture disk) : IClassFixture<Ext4DiskFixture>, IDisposable
{
    private const int Chunk = 1024 * 1024;
    private readonly TempDirectory _folder = new("disk-image-read");

    public static TheoryData<string> Variants => new(DiskImageVariants.All.Select(variant => variant.Name));

    public void Dispose() => _folder.Dispose();

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Read_EveryVariant_GivesTheDiskItWasMadeFrom(string name)
    {
        var variant = DiskImageVariants.Named(name);
        var (path, expectedPath) = await DiskImageVariants.CreateAsync(variant, disk.Raw, _folder.Path);
        var expected = await File.ReadAllBytesAsync(expectedPath);

        using var image = await DiskImageReader.OpenAsync(path);

        Assert.Equal(variant.Format, image.Format);
        Assert.Equal(expected.Length, image.Size);
        var read = new byte[image.Size];
        for (var offset = 0; offset < read.Length; offset += Chunk)
            await image.ReadAsync(offset, read.AsMemory(offset, Math.Min(Chunk, read.Length - offset)));
        Assert.True(expected.AsSpan().SequenceEqual(read), $"{name} does not read as the disk it was made from");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task AllocatedExtents_HoldEveryNonZeroByte_AndMappedFormatsReadAboutTheirData(string name)
    {
        var variant = DiskImageVariants.Named(name);
        var (path, expectedPath) = await DiskImageVariants.CreateAsync(variant, disk.Raw, _folder.Path);
        var expected = await File.ReadAllBytesAsync(expectedPath);

        using var image = await DiskImageReader.OpenAsync(path);
        var fromExtents = new byte[image.Size];
        long allocated = 0, previousEnd = 0;
        await foreach (var extent in image.GetAllocatedExtentsAsync(0, image.Size))
        {
            Assert.True(extent.Offset > previousEnd || (extent.Offset == 0 && previousEnd == 0),
                $"extents must ascend with gaps between them: {extent} after {previousEnd}");
            previousEnd = extent.End;
            allocated += extent.Length;
            await image.ReadAsync(extent.Offset, fromExtents.AsMemory((int)extent.Offset, (int)extent.Length));
        }

        Assert.True(expected.AsSpan().SequenceEqual(fromExtents), "a non-zero byte lies outside the allocated extents");
        if (!variant.MapsAllocation) return;
        var fileBytes = ImageFilesLength(path);
        Assert.True(allocated < image.Size / 2, $"{allocated} of {image.Size} bytes allocated: the map says too much");
        Assert.True(image.BytesRead <= fileBytes + (1 << 20),
            $"read {image.BytesRead} bytes from image files of {fileBytes} bytes: more than their data");
    }

    // The image and the files it reads through to, made beside it.
    private long ImageFilesLength(string path) =>
        Directory.EnumerateFiles(Path.GetDirectoryName(path)!)
            .Where(file => !file.EndsWith(".raw", StringComparison.Ordinal))
            .Sum(file => new FileInfo(file).Length);
}
