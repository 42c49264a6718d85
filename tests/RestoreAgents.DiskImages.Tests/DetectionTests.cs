using RestoreAgents.Testing;

namespace RestoreAgents.DiskImages.Tests;

/// <summary>The format comes from the file's content, never from its name.</summary>
public sealed class DetectionTests : IDisposable
{
    private readonly TempDirectory _folder = new("image-detection");

    public void Dispose() => _folder.Dispose();

    [Theory]
    [Requires(RealPart.QemuImg)]
    [InlineData("qcow2", null, "disk.vhd", "qcow2")]
    [InlineData("vpc", "subformat=dynamic", "disk.qcow2", "vhd-dynamic")]
    [InlineData("vhdx", null, "disk.raw", "vhdx")]
    [InlineData("vmdk", null, "disk.vhdx", "vmdk-monolithic-sparse")]
    [InlineData("raw", null, "disk.vmdk", "raw")]
    public async Task Open_TellsTheFormatByContent_NotByName(string format, string? options, string name, string expected)
    {
        var path = _folder.Combine(name);
        await QemuImg.CreateAsync(path, format, 4L << 20, options);

        using var image = await DiskImageReader.OpenAsync(path);

        Assert.Equal(expected, image.Format);
    }

    [Fact]
    public async Task Open_AnEmptyFile_IsDamaged()
    {
        var path = _folder.Combine("empty.img");
        await File.WriteAllBytesAsync(path, []);
        var error = await Assert.ThrowsAsync<CorruptDiskImageException>(() => DiskImageReader.OpenAsync(path));
        Assert.Equal($"disk image '{path}' is damaged: it is empty", error.Message);
    }

    [Fact]
    public async Task Open_ADevice_IsRefused()
    {
        var error = await Assert.ThrowsAsync<UnsupportedDiskImageException>(() => DiskImageReader.OpenAsync("/dev/zero"));
        Assert.Contains("it is a character device, not a disk image file", error.Message);
    }
}
