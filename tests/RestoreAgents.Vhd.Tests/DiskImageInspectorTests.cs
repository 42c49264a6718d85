using RestoreAgents.Testing;

namespace RestoreAgents.Vhd.Tests;

public sealed class DiskImageInspectorTests
{
    [Fact]
    public async Task Inspect_Raw_IsRawOfItsLength()
    {
        using var folder = new TempDirectory();
        var raw = folder.Combine("disk.raw");
        await TestDiskImage.CreateAsync(raw, 3_000_000, seed: 1);
        Assert.Equal(new DiskImageInfo(DiskImageFormat.Raw, 3_000_000), DiskImageInspector.Inspect(raw));
    }

    [Requires(RealPart.QemuImg)]
    [Fact]
    public async Task Inspect_FixedVhdFromQemuImg_IsFixedVhdWithoutItsFooter()
    {
        using var folder = new TempDirectory();
        var vhd = folder.Combine("disk.vhd");
        await QemuImg.CreateAsync(vhd, "vpc", 4L << 20, "subformat=fixed,force_size=on");
        Assert.Equal(new DiskImageInfo(DiskImageFormat.FixedVhd, 4L << 20), DiskImageInspector.Inspect(vhd));
    }

    [Requires(RealPart.QemuImg)]
    [Theory]
    [InlineData("qcow2", null, "qcow2")]
    [InlineData("vhdx", null, "VHDX")]
    [InlineData("vmdk", null, "VMDK")]
    [InlineData("vpc", "subformat=dynamic", "disk type 3")]
    public async Task Inspect_OtherFormats_AreRefusedNamingTheFormatAndTheFile(string format, string? options, string named)
    {
        using var folder = new TempDirectory();
        var path = folder.Combine($"disk.{format}");
        await QemuImg.CreateAsync(path, format, 8L << 20, options);

        var error = Assert.ThrowsAny<Exception>(() => DiskImageInspector.Inspect(path));
        Assert.True(error is UnsupportedDiskImageException or CorruptDiskImageException, error.ToString());
        Assert.Contains(path, error.Message);
        if (error is UnsupportedDiskImageException) Assert.Contains(named, error.Message);
    }

    [Requires(RealPart.QemuImg)]
    [Fact]
    public async Task Inspect_FixedVhdWithDamagedFooter_IsCorrupt()
    {
        using var folder = new TempDirectory();
        var vhd = folder.Combine("disk.vhd");
        await QemuImg.CreateAsync(vhd, "vpc", 2L << 20, "subformat=fixed,force_size=on");
        await using (var file = new FileStream(vhd, FileMode.Open))
        {
            file.Position = file.Length - 512 + 45;
            file.WriteByte(0x7f);
        }
        var error = Assert.Throws<CorruptDiskImageException>(() => DiskImageInspector.Inspect(vhd));
        Assert.Contains(vhd, error.Message);
    }
}
