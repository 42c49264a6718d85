using RestoreAgents.Testing;

namespace RestoreAgents.DiskImages.Tests;

/// <summary>Hand-written VMDK descriptors of several extents, of every type backup reads.</summary>
[Requires(RealPart.QemuImg)]
public sealed class VmdkDescriptorTests(Ext4DiskFixture disk) : IClassFixture<Ext4DiskFixture>, IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly TempDirectory _folder = new("vmdk-descriptor");

    public void Dispose() => _folder.Dispose();

    private async Task<string> DescriptorAsync(params string[] extents)
    {
        File.Copy(disk.Raw, _folder.Combine("flat.bin"), overwrite: true);
        await QemuImg.RunAsync("convert", "-q", "-f", "raw", "-O", "vmdk", "-o", "subformat=monolithicSparse",
            disk.Raw, _folder.Combine("sparse.vmdk"));
        var descriptor = _folder.Combine("disk.vmdk");
        await File.WriteAllTextAsync(descriptor, string.Join('\n', [
            "# Disk DescriptorFile", "version=1", "CID=12345678", "parentCID=ffffffff",
            "createType=\"twoGbMaxExtentFlat\"", "", "# Extent description", .. extents, ""]));
        return descriptor;
    }

    [Fact]
    public async Task Descriptor_OfFlatAndSparseExtents_ReadsAsQemuImgReadsIt()
    {
        var descriptor = await DescriptorAsync(
            $"RW {16 * MiB / 512} FLAT \"flat.bin\" 0",
            $"RW {40 * MiB / 512} FLAT \"{_folder.Combine("flat.bin")}\" {24 * MiB / 512}",
            $"RW {Ext4DiskFixture.Size / 512} SPARSE \"sparse.vmdk\"");
        var expected = _folder.Combine("expected.raw");
        await QemuImg.RunAsync("convert", "-q", "-f", "vmdk", "-O", "raw", descriptor, expected);

        using var image = await DiskImageReader.OpenAsync(descriptor);
        var read = new byte[image.Size];
        await image.ReadAsync(0, read);

        Assert.Equal("vmdk-2gb-flat", image.Format);
        Assert.Equal(new FileInfo(expected).Length, image.Size);
        Assert.True((await File.ReadAllBytesAsync(expected)).AsSpan().SequenceEqual(read));
    }

    // qemu-img 7.2 skips ZERO and RDONLY extents (it keeps only RW ones), so the expected bytes are built here.
    [Fact]
    public async Task Descriptor_WithZeroAndReadOnlyExtents_ReadsZerosInTheZeroExtent_AndMapsNothingThere()
    {
        var descriptor = await DescriptorAsync(
            $"RW {16 * MiB / 512} FLAT \"flat.bin\" 0",
            $"RW {8 * MiB / 512} ZERO",
            $"RDONLY {40 * MiB / 512} FLAT \"flat.bin\" {24 * MiB / 512}");
        var raw = await File.ReadAllBytesAsync(disk.Raw);
        var expected = raw.ToArray();
        expected.AsSpan((int)(16 * MiB), (int)(8 * MiB)).Clear();

        using var image = await DiskImageReader.OpenAsync(descriptor);
        var read = new byte[image.Size];
        await image.ReadAsync(0, read);
        var extents = new List<ImageExtent>();
        await foreach (var extent in image.GetAllocatedExtentsAsync(0, image.Size)) extents.Add(extent);

        Assert.True(expected.AsSpan().SequenceEqual(read));
        Assert.Equal([new ImageExtent(0, 16 * MiB), new ImageExtent(24 * MiB, 40 * MiB)], extents);
    }

    [Fact]
    public async Task Descriptor_OfADeltaDisk_IsRefusedNamingItsParent()
    {
        var descriptor = _folder.Combine("delta.vmdk");
        await File.WriteAllTextAsync(descriptor, string.Join('\n',
            "# Disk DescriptorFile", "version=1", "CID=12345678", "parentCID=87654321", "createType=\"monolithicSparse\"",
            "parentFileNameHint=\"base.vmdk\"", $"RW 2048 FLAT \"{disk.Raw}\" 0", ""));

        var error = await Assert.ThrowsAsync<UnsupportedDiskImageException>(() => DiskImageReader.OpenAsync(descriptor));
        Assert.Contains("a VMDK delta disk of parent 'base.vmdk'", error.Message);
        Assert.Equal("# Disk DescriptorFile\nversion=1\nCID=12345678\n".Length, error.Offset);
    }
}
