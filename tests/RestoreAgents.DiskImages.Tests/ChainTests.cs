using RestoreAgents.Testing;

namespace RestoreAgents.DiskImages.Tests;

/// <summary>Parents and backing files: found beside the image, checked to be the right file, and never a device,
/// a loop or an endless chain.</summary>
[Requires(RealPart.QemuImg)]
public sealed class ChainTests(Ext4DiskFixture disk) : IClassFixture<Ext4DiskFixture>, IDisposable
{
    private const long BackingFileField = 8;
    private readonly TempDirectory _folder = new("image-chains");

    public void Dispose() => _folder.Dispose();

    private Task OverlayAsync(string image, string backing, string format = "qcow2") =>
        QemuImg.RunAsync("create", "-q", "-f", "qcow2", "-u", "-b", backing, "-F", format, image, "8M");

    [Fact]
    public async Task Qcow2_WhoseBackingFileIsMissing_IsDamagedAtTheBackingFileField_NamingTheFile()
    {
        var image = _folder.Combine("top.qcow2");
        await OverlayAsync(image, "gone.qcow2");

        var message = await ImageReading.AssertFailsAsync<CorruptDiskImageException>(image, image, BackingFileField);
        Assert.Contains($"its backing file 'gone.qcow2' does not exist (looked for {_folder.Combine("gone.qcow2")})", message);
    }

    [Fact]
    public async Task Qcow2_BackingLoop_IsRefusedAtTheImageThatClosesIt()
    {
        var a = _folder.Combine("a.qcow2");
        var b = _folder.Combine("b.qcow2");
        await QemuImg.CreateAsync(b, "qcow2", 8L << 20);
        await OverlayAsync(a, "b.qcow2");
        await QemuImg.RunAsync("rebase", "-u", "-b", "a.qcow2", "-F", "qcow2", b);

        var message = await ImageReading.AssertFailsAsync<CorruptDiskImageException>(a, b, BackingFileField);
        Assert.Contains("a loop", message);
    }

    [Theory]
    [InlineData("/dev/zero", "a character device")]
    [InlineData("/dev", "a folder")]
    public async Task Qcow2_WhoseBackingFileIsNotARegularFile_IsRefused(string backing, string kind)
    {
        var image = _folder.Combine("top.qcow2");
        await OverlayAsync(image, backing, "raw");

        var message = await ImageReading.AssertFailsAsync<UnsupportedDiskImageException>(image, image, BackingFileField);
        Assert.Contains($"its backing file '{backing}' is {kind}", message);
    }

    [Fact]
    public async Task Qcow2_Chain_OfTheLimitReads_AndOneMoreIsRefusedNamingTheLimit()
    {
        var previous = _folder.Combine("layer0.qcow2");
        await QemuImg.CreateAsync(previous, "qcow2", 8L << 20);
        for (var layer = 1; layer < DiskImageLimits.MaxChainLength; layer++)
        {
            var next = _folder.Combine($"layer{layer}.qcow2");
            await OverlayAsync(next, Path.GetFileName(previous));
            previous = next;
        }
        await ImageReading.ReadAllocatedAsync(previous);

        var top = _folder.Combine("top.qcow2");
        await OverlayAsync(top, Path.GetFileName(previous));
        var error = await Assert.ThrowsAsync<UnsupportedDiskImageException>(() => ImageReading.ReadAllocatedAsync(top));
        Assert.Contains($"longer than {DiskImageLimits.MaxChainLength} images (DiskImageLimits.MaxChainLength)", error.Message);
    }

    [Fact]
    public async Task Qcow2_WhoseBackingFileIsOfAnotherFormatThanItSays_IsDamaged()
    {
        var image = _folder.Combine("top.qcow2");
        await QemuImg.CreateAsync(_folder.Combine("base.qcow2"), "qcow2", 8L << 20);
        await OverlayAsync(image, "base.qcow2", "vpc");

        var message = await ImageReading.AssertFailsAsync<CorruptDiskImageException>(image, image, BackingFileField);
        Assert.Contains("is qcow2, but the image says it is vpc", message);
    }

    [Fact]
    public async Task Qcow2_WhoseBackingFileIsNamedRaw_IsReadAsRaw_EvenIfItLooksLikeAnotherFormat()
    {
        var image = _folder.Combine("top.qcow2");
        var backing = _folder.Combine("base.qcow2");
        await QemuImg.CreateAsync(backing, "qcow2", 8L << 20);
        await OverlayAsync(image, "base.qcow2", "raw");

        using var opened = await DiskImageReader.OpenAsync(image);
        var head = new byte[4];
        await opened.ReadAsync(0, head);
        Assert.Equal(new byte[] { (byte)'Q', (byte)'F', (byte)'I', 0xfb }, head);
    }

    // The VHD's parent id is in its dynamic header (at 512); the test VHDX writer puts the parent locator fifth
    // among the metadata items, 32 bytes into them.
    [Theory]
    [InlineData("vhd-differencing", "vhd-parent.vhd", "vpc", "subformat=dynamic,force_size=on", 512 + 40,
        "the parent is another disk")]
    [InlineData("vhdx-differencing", "vhdx-parent.vhdx", "vhdx", "block_size=1M", (2 << 20) + (64 << 10) + 32,
        "the parent changed since")]
    public async Task Differencing_WhoseParentWasReplaced_IsDamagedWhereItNamesItsParent(string variant, string parentName,
        string format, string options, long offset, string problem)
    {
        var (child, _) = await DiskImageVariants.CreateAsync(DiskImageVariants.Named(variant), disk.Raw, _folder.Path);
        var parent = _folder.Combine(parentName);
        File.Delete(parent);
        await QemuImg.RunAsync("convert", "-q", "-f", "raw", "-O", format, "-o", options, disk.Raw, parent);

        var message = await ImageReading.AssertFailsAsync<CorruptDiskImageException>(child, child, offset);
        Assert.Contains(problem, message);
    }

    [Fact]
    public async Task VhdDifferencing_WhoseParentIsMissing_IsDamagedNamingWhereItLooked()
    {
        var (child, _) = await DiskImageVariants.CreateAsync(DiskImageVariants.Named("vhd-differencing"), disk.Raw, _folder.Path);
        File.Delete(_folder.Combine("vhd-parent.vhd"));

        var message = await ImageReading.AssertFailsAsync<CorruptDiskImageException>(child, child, 512 + 40);
        Assert.Contains($"its parent './vhd-parent.vhd' does not exist (looked for {_folder.Combine("vhd-parent.vhd")})", message);
    }
}
