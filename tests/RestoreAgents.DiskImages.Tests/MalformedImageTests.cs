using System.Numerics;
using RestoreAgents.Testing;

namespace RestoreAgents.DiskImages.Tests;

/// <summary>Damaged or lying images fail with the file and the offset of the damage, never with wrong data.</summary>
[Requires(RealPart.QemuImg)]
public sealed class MalformedImageTests(Ext4DiskFixture disk) : IClassFixture<Ext4DiskFixture>, IDisposable
{
    private readonly TempDirectory _folder = new("malformed-images");

    public void Dispose() => _folder.Dispose();

    private async Task<string> VariantAsync(string name) =>
        (await DiskImageVariants.CreateAsync(DiskImageVariants.Named(name), disk.Raw, _folder.Path)).Image;

    [Fact]
    public async Task VhdFooter_WithABadChecksum_IsDamagedAtTheFooter()
    {
        var vhd = await VariantAsync("vhd-dynamic");
        var footer = new FileInfo(vhd).Length - 512;
        FlipByte(vhd, footer + 24);

        var message = await ImageReading.AssertFailsAsync<CorruptDiskImageException>(vhd, vhd, footer);
        Assert.Contains("checksum", message);
    }

    [Theory]
    [InlineData(0u)] // "none"
    [InlineData(1u)] // reserved (deprecated)
    [InlineData(6u)] // reserved
    public async Task VhdFooter_OfADiskTypeBackupDoesNotRead_IsRefusedAtTheDiskTypeField(uint diskType)
    {
        var vhd = await VariantAsync("vhd-fixed");
        var footer = new FileInfo(vhd).Length - 512;
        SetVhdDiskType(vhd, footer, diskType);

        var message = await ImageReading.AssertFailsAsync<UnsupportedDiskImageException>(vhd, vhd, footer + 60);
        Assert.Contains($"its VHD disk type is {diskType}", message);
    }

    [Fact]
    public async Task VhdDynamicHeader_WithABadChecksum_IsDamagedAtItsChecksum()
    {
        var vhd = await VariantAsync("vhd-dynamic");
        FlipByte(vhd, 512 + 30);

        await ImageReading.AssertFailsAsync<CorruptDiskImageException>(vhd, vhd, 512 + 36);
    }

    [Fact]
    public async Task Vhdx_WithBothHeadersDamaged_IsDamagedAtTheFirst_ButOneGoodHeaderIsEnough()
    {
        var vhdx = await VariantAsync("vhdx");
        FlipByte(vhdx, 64 * 1024 + 200);
        var expected = await ImageReading.ReadAllocatedAsync(vhdx);
        Assert.True(expected > 0);

        FlipByte(vhdx, 128 * 1024 + 200);
        var message = await ImageReading.AssertFailsAsync<CorruptDiskImageException>(vhdx, vhdx, 64 * 1024);
        Assert.Contains("CRC-32C", message);
    }

    [Fact]
    public async Task Vhdx_WithARegionLargerThanTheFile_IsDamagedAtItsRegionTableEntry()
    {
        var vhdx = await VariantAsync("vhdx");
        long entry;
        await using (var file = new FileStream(vhdx, FileMode.Open, FileAccess.ReadWrite))
        {
            entry = 192 * 1024 + 16;
            ImageDamage.WriteUInt32(file, entry + 24, 0xFFF00000, bigEndian: false);   // the first region's length
            var table = ImageDamage.Read(file, 192 * 1024, 64 * 1024);
            table.AsSpan(4, 4).Clear();
            ImageDamage.WriteUInt32(file, 192 * 1024 + 4, Crc32C(table), bigEndian: false);
        }

        await ImageReading.AssertFailsAsync<CorruptDiskImageException>(vhdx, vhdx, entry);
    }

    [Fact]
    public async Task StreamOptimizedVmdk_WithAGrainThatDoesNotInflate_IsDamagedAtItsData()
    {
        var vmdk = await VariantAsync("vmdk-stream-optimized");
        var grain = FirstVmdkGrain(vmdk);
        await using (var file = new FileStream(vmdk, FileMode.Open, FileAccess.Write))
            ImageDamage.Write(file, grain + 12, Enumerable.Repeat((byte)0xff, 64).ToArray());

        var message = await ImageReading.AssertFailsAsync<CorruptDiskImageException>(vmdk, vmdk, grain + 12);
        Assert.Contains("the compressed grain here does not decompress: its Zlib stream is damaged", message);
    }

    [Fact]
    public async Task StreamOptimizedVmdk_WithAGrainThatClaimsAnotherSector_IsDamagedAtTheGrain()
    {
        var vmdk = await VariantAsync("vmdk-stream-optimized");
        var grain = FirstVmdkGrain(vmdk);
        await using (var file = new FileStream(vmdk, FileMode.Open, FileAccess.ReadWrite))
            ImageDamage.WriteUInt64(file, grain, ImageDamage.ReadUInt64(file, grain, bigEndian: false) + 128, bigEndian: false);

        var message = await ImageReading.AssertFailsAsync<CorruptDiskImageException>(vmdk, vmdk, grain);
        Assert.Contains("grain table maps it to sector", message);
    }

    [Theory]
    [InlineData("qcow2-compressed", "deflate")]
    [InlineData("qcow2-zstd", "Zstd")]
    public async Task Qcow2_WithACompressedClusterThatDoesNotDecompress_IsDamagedAtTheCluster(string name, string codec)
    {
        var qcow2 = await VariantAsync(name);
        var cluster = FirstCompressedCluster(qcow2);
        await using (var file = new FileStream(qcow2, FileMode.Open, FileAccess.Write))
            ImageDamage.Write(file, cluster, Enumerable.Repeat((byte)0xff, 64).ToArray());

        var message = await ImageReading.AssertFailsAsync<CorruptDiskImageException>(qcow2, qcow2, cluster);
        Assert.Contains("does not decompress", message);
        Assert.Contains(codec, message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Qcow2_MarkedCorruptByQemu_IsRefused()
    {
        var qcow2 = await VariantAsync("qcow2");
        await using (var file = new FileStream(qcow2, FileMode.Open, FileAccess.ReadWrite))
            ImageDamage.WriteUInt64(file, 72, ImageDamage.ReadUInt64(file, 72, bigEndian: true) | 2, bigEndian: true);

        var message = await ImageReading.AssertFailsAsync<CorruptDiskImageException>(qcow2, qcow2, 72);
        Assert.Contains("qemu-img check -r all", message);
    }

    [Fact]
    public async Task Qcow2_WithItsL1TablePastTheEnd_IsDamagedAtTheHeaderField()
    {
        var qcow2 = await VariantAsync("qcow2");
        await using (var file = new FileStream(qcow2, FileMode.Open, FileAccess.Write))
            ImageDamage.WriteUInt64(file, 40, 1UL << 40, bigEndian: true);

        await ImageReading.AssertFailsAsync<CorruptDiskImageException>(qcow2, qcow2, 40);
    }

    [Theory]
    [InlineData("encrypt.format=luks,encrypt.key-secret=key", "8M", 32, "it is encrypted (crypt_method 2)")]
    [InlineData("compat=1.1", "65T", 24, "over the limit of 64 TiB (DiskImageLimits.MaxVirtualSize)")]
    public async Task Qcow2_ThatBackupDoesNotRead_IsRefusedAtTheHeaderFieldThatSaysSo(string options, string size,
        long field, string reason)
    {
        var qcow2 = _folder.Combine("refused.qcow2");
        await QemuImg.RunAsync("create", "-q", "--object", "secret,id=key,data=letmein", "-f", "qcow2", "-o", options,
            qcow2, size);

        var message = await ImageReading.AssertFailsAsync<UnsupportedDiskImageException>(qcow2, qcow2, field);
        Assert.Contains(reason, message);
    }

    [Fact]
    public async Task Qcow2_Of60TiB_IsMappedReadingOnlyItsL1Table()
    {
        var qcow2 = _folder.Combine("big.qcow2");
        await QemuImg.CreateAsync(qcow2, "qcow2", 60L << 40);

        var read = await ImageReading.ReadAllocatedAsync(qcow2);

        // 122,880 L1 entries of 8 bytes, read 64 KiB at a time, and the header: not 60 TiB, nor a table in memory.
        Assert.InRange(read, 60L << 40 >> 29 << 3, 2L << 20);
    }

    private static void FlipByte(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var value = ImageDamage.Read(file, offset, 1)[0];
        ImageDamage.Write(file, offset, [(byte)(value ^ 0x5a)]);
    }

    // The VHD footer's disk type (offset 60, big-endian) and its checksum (offset 64: the one's complement of the
    // sum of the footer's bytes, the checksum field counted as zero), as the specification defines them.
    private static void SetVhdDiskType(string path, long footer, uint diskType)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        ImageDamage.WriteUInt32(file, footer + 60, diskType, bigEndian: true);
        var bytes = ImageDamage.Read(file, footer, 512);
        uint sum = 0;
        for (var i = 0; i < 512; i++)
            if (i is < 64 or >= 68) sum += bytes[i];
        ImageDamage.WriteUInt32(file, footer + 64, ~sum, bigEndian: true);
    }

    // The first grain of a sparse VMDK: grain directory (header field 56), its first table, its first used entry.
    private static long FirstVmdkGrain(string path)
    {
        using var file = File.OpenRead(path);
        var directory = (long)ImageDamage.ReadUInt64(file, 56, bigEndian: false) * 512;
        var table = (long)ImageDamage.ReadUInt32(file, directory, bigEndian: false) * 512;
        for (var at = table; ; at += 4)
            if (ImageDamage.ReadUInt32(file, at, bigEndian: false) is var sector and > 1)
                return sector * 512L;
    }

    // The first compressed cluster of a qcow2: L1 (header field 40), its first L2 table, its first entry with bit 62.
    private static long FirstCompressedCluster(string path)
    {
        using var file = File.OpenRead(path);
        var clusterBits = (int)ImageDamage.ReadUInt32(file, 20, bigEndian: true);
        var l1 = (long)ImageDamage.ReadUInt64(file, 40, bigEndian: true);
        var l2 = (long)(ImageDamage.ReadUInt64(file, l1, bigEndian: true) & 0x00FF_FFFF_FFFF_FE00);
        for (var at = l2; ; at += 8)
            if (ImageDamage.ReadUInt64(file, at, bigEndian: true) is var entry && (entry & (1UL << 62)) != 0)
                return (long)(entry & ((1UL << (62 - (clusterBits - 8))) - 1));
    }

    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        foreach (var value in data) crc = BitOperations.Crc32C(crc, value);
        return ~crc;
    }
}
