using RestoreAgents.Testing;

namespace RestoreAgents.Store.Tests;

public sealed class SecondaryCopyStoreTests : IDisposable
{
    private const int Block = 64 * 1024;
    private readonly TempDirectory _folder = new();
    private readonly SecondaryCopyStore _store;

    public SecondaryCopyStoreTests() => _store = new SecondaryCopyStore(_folder.Combine("store"));

    private async Task<(string Image, CopyManifest Copy)> BackupAsync(string name, long size, int seed, double data = 0.5)
    {
        var image = _folder.Combine($"{name}.raw");
        if (!File.Exists(image)) await TestDiskImage.CreateAsync(image, size, seed, data);
        var copy = await new BackupWriter(_store).BackupAsync(image, name, new BackupOptions { BlockSize = Block }, null,
            CancellationToken.None);
        return (image, copy);
    }

    private async Task<byte[]> RestoreAsync(CopyManifest copy, IReadOnlyList<ByteRange>? ranges = null)
    {
        var disk = new byte[copy.DiskSize];
        await foreach (var block in _store.ReadBlocksAsync(copy.Name, ranges, CancellationToken.None))
            block.Data.Span.CopyTo(disk.AsSpan((int)block.Offset));
        return disk;
    }

    private int ChunkCount() =>
        Directory.EnumerateFiles(_folder.Combine("store", "chunks"), "*", SearchOption.AllDirectories).Count();

    [Fact]
    public async Task Backup_ThenRead_GivesTheSourceBack_ForASizeOffTheBlockSize()
    {
        var (image, copy) = await BackupAsync("odd", 1_000_003, seed: 1);
        Assert.Equal(await File.ReadAllBytesAsync(image), await RestoreAsync(copy));
        Assert.Single(_store.ListCopies());
    }

    [Fact]
    public async Task Backup_OmitsZeroBlocks()
    {
        var (_, copy) = await BackupAsync("sparse", 16L << 20, seed: 2, data: 0.4);
        var blocks = (16L << 20) / Block;
        Assert.InRange(copy.Blocks.Count, 1, blocks - 1);
        Assert.Equal(copy.Blocks.Select(b => b.Sha256).Distinct().Count(), ChunkCount());
    }

    [Fact]
    public async Task Backup_SameImageTwice_AddsNoChunks()
    {
        await BackupAsync("first", 2L << 20, seed: 3);
        var before = ChunkCount();
        File.Copy(_folder.Combine("first.raw"), _folder.Combine("second.raw"));
        await BackupAsync("second", 2L << 20, seed: 3);
        Assert.Equal(before, ChunkCount());
        Assert.Equal(2, _store.ListCopies().Count);
    }

    [Fact]
    public async Task Read_CorruptChunk_NamesCopyOffsetAndChunk()
    {
        var (_, copy) = await BackupAsync("bad", 1L << 20, seed: 4, data: 1.0);
        var victim = copy.Blocks[3];
        var path = Directory.EnumerateFiles(_folder.Combine("store", "chunks"), victim.Sha256, SearchOption.AllDirectories).Single();
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x55;
        await File.WriteAllBytesAsync(path, bytes);

        var error = await Assert.ThrowsAsync<CorruptChunkException>(() => RestoreAsync(copy));
        Assert.Equal(victim.Index * Block, error.Offset);
        Assert.Contains("bad", error.Message);
        Assert.Contains(victim.Sha256, error.Message);
    }

    [Fact]
    public async Task Read_MissingChunk_IsCorruptAtItsOffset()
    {
        var (_, copy) = await BackupAsync("gone", 1L << 20, seed: 5, data: 1.0);
        File.Delete(Directory.EnumerateFiles(_folder.Combine("store", "chunks"), copy.Blocks[0].Sha256, SearchOption.AllDirectories).Single());
        var error = await Assert.ThrowsAsync<CorruptChunkException>(() => RestoreAsync(copy));
        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public async Task Read_Ranges_ClipMidBlock()
    {
        var (image, copy) = await BackupAsync("ranges", 1L << 20, seed: 6, data: 1.0);
        var ranges = new[] { new ByteRange(1000, 70_000), new ByteRange(500_000, 3) };
        var restored = await RestoreAsync(copy, ranges);
        var source = await File.ReadAllBytesAsync(image);
        foreach (var r in ranges)
            Assert.True(source.AsSpan((int)r.Offset, (int)r.Length).SequenceEqual(restored.AsSpan((int)r.Offset, (int)r.Length)));
        Assert.Equal(0, restored[0]);
    }

    [Fact]
    public async Task Backup_Cancelled_LeavesNoListedCopy()
    {
        var image = _folder.Combine("cut.raw");
        await TestDiskImage.CreateAsync(image, 8L << 20, seed: 7, dataFraction: 1.0);
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p => { if (p.BytesRead >= 2L << 20) cancel.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new BackupWriter(_store).BackupAsync(image, "cut",
            new BackupOptions { BlockSize = Block }, progress, cancel.Token));
        Assert.Empty(_store.ListCopies());
        Assert.Throws<CopyNotFoundException>(() => _store.GetCopy("cut"));
    }

    [Requires(RealPart.QemuImg)]
    [Fact]
    public async Task Backup_FixedVhd_StoresTheDiskWithoutItsFooter()
    {
        var raw = _folder.Combine("v.raw");
        await TestDiskImage.CreateAsync(raw, 2L << 20, seed: 8);
        var vhd = _folder.Combine("v.vhd");
        await QemuImg.RunAsync("convert", "-f", "raw", "-O", "vpc", "-o", "subformat=fixed,force_size=on", raw, vhd);
        var copy = await new BackupWriter(_store).BackupAsync(vhd, "v", new BackupOptions { BlockSize = Block }, null, default);
        Assert.Equal("vhd-fixed", copy.SourceFormat);
        Assert.Equal(await File.ReadAllBytesAsync(raw), await RestoreAsync(copy));
    }

    [Requires(RealPart.QemuImg)]
    [Fact]
    public async Task Backup_RefusesANameAlreadyInTheStore()
    {
        await BackupAsync("dup", 1L << 20, seed: 9);
        await Assert.ThrowsAsync<CopyAlreadyExistsException>(() => BackupAsync("dup", 1L << 20, seed: 9));
    }

    public void Dispose() => _folder.Dispose();

    private sealed class SynchronousProgress(Action<BackupProgress> report) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value) => report(value);
    }
}
