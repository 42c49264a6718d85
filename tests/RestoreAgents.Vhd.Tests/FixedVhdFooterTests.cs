using RestoreAgents.Testing;

namespace RestoreAgents.Vhd.Tests;

public sealed class FixedVhdFooterTests
{
    [Requires(RealPart.QemuImg)]
    [Theory]
    [InlineData(1L << 20)]
    [InlineData(5L << 20)]
    [InlineData(1L << 30)]
    public async Task Footer_MatchesQemuImgsFixedVhd_SizeGeometryAndDiskType(long size)
    {
        using var folder = new TempDirectory();
        var path = folder.Combine("qemu.vhd");
        // Without force_size qemu-img sizes the disk by the spec's CHS geometry, so both geometries must agree.
        await QemuImg.CreateAsync(path, "vpc", size, "subformat=fixed");
        var theirs = new byte[512];
        await using (var file = File.OpenRead(path))
        {
            file.Position = file.Length - 512;
            await file.ReadExactlyAsync(theirs);
        }

        var parsed = VhdFooter.Parse(theirs);
        var ours = VhdFooter.Parse(FixedVhdFooter.Create(parsed.CurrentSize, Guid.NewGuid(), DateTimeOffset.UtcNow));

        Assert.Equal(parsed.CurrentSize, ours.CurrentSize);
        Assert.Equal(parsed.Geometry, ours.Geometry);
        // Disk type 2 (fixed) by the specification, as qemu-img writes it: not merely whatever the constant says.
        Assert.Equal(2u, parsed.DiskType);
        Assert.Equal(parsed.DiskType, ours.DiskType);
    }

    [Requires(RealPart.QemuImg)]
    [Theory]
    [InlineData(1L << 20)]
    [InlineData(7L << 20)]
    [InlineData(129L << 20)]
    public async Task RawDiskPlusOurFooter_IsAVhdQemuImgFindsIdenticalToTheRaw(long size)
    {
        using var folder = new TempDirectory();
        var raw = folder.Combine("disk.raw");
        await TestDiskImage.CreateAsync(raw, size, seed: (int)(size >> 20));
        var vhd = folder.Combine("disk.vhd");
        File.Copy(raw, vhd);
        await using (var file = new FileStream(vhd, FileMode.Append))
            await file.WriteAsync(FixedVhdFooter.Create(size, Guid.NewGuid(), DateTimeOffset.UtcNow));

        // qemu-img probes a VHD by a header cookie that only dynamic disks have, so the format is named.
        var info = await QemuImg.InfoAsync(vhd, "vpc");
        Assert.Equal("vpc", info.GetProperty("format").GetString());
        Assert.Equal(size, info.GetProperty("virtual-size").GetInt64());
        var compare = await QemuImg.CompareAsync(raw, vhd, "raw", "vpc");
        Assert.True(compare.ExitCode == 0, compare.Combined);
    }

    [Fact]
    public void Parse_DamagedChecksum_Throws()
    {
        var footer = FixedVhdFooter.Create(1 << 20, Guid.NewGuid(), DateTimeOffset.UtcNow);
        footer[40] ^= 1;
        Assert.Throws<InvalidDataException>(() => VhdFooter.Parse(footer));
    }
}
