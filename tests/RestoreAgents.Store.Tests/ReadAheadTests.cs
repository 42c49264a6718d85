using System.Security.Cryptography;
using RestoreAgents.Testing;

namespace RestoreAgents.Store.Tests;

/// <summary>
/// Reads with chunks decompressed and checked ahead of the reader, several at once: blocks still come out in
/// ascending order, each with its stored block's SHA-256, and a corrupt chunk fails the read only after every
/// block before it came out.
/// </summary>
public sealed class ReadAheadTests : IDisposable
{
    private const int Block = 64 * 1024;
    private const long DiskSize = 48L * Block;
    private readonly TempDirectory _folder = new();

    private async Task<(SecondaryCopyStore Store, CopyManifest Copy, byte[] Image)> BackupAsync(int readAhead)
    {
        var image = _folder.Combine("disk.raw");
        await TestDiskImage.CreateAsync(image, DiskSize, seed: 11, dataFraction: 0.7);
        var store = new SecondaryCopyStore(_folder.Combine("store"), readAhead: readAhead);
        var copy = await new BackupWriter(store).BackupAsync(image, "disk", new BackupOptions { BlockSize = Block },
            null, CancellationToken.None);
        return (store, copy, await File.ReadAllBytesAsync(image));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public async Task Read_GivesEveryStoredBlockInAscendingOrder_WithItsSha256(int readAhead)
    {
        var (store, copy, image) = await BackupAsync(readAhead);
        Assert.True(copy.Blocks.Count > 2 * readAhead, "the copy must have more blocks than are read ahead");

        var blocks = new List<(long Offset, byte[] Sha256)>();
        await foreach (var block in store.ReadBlocksAsync("disk", null, CancellationToken.None))
        {
            Assert.Equal(image.AsSpan((int)block.Offset, block.Data.Length), block.Data.Span);
            Assert.Equal(SHA256.HashData(block.Data.Span), block.BlockSha256.ToArray());
            blocks.Add((block.Offset, block.BlockSha256.ToArray()));
        }

        Assert.Equal(copy.Blocks.Select(b => b.Index * Block), blocks.Select(b => b.Offset));
        Assert.Equal(copy.Blocks.Select(b => b.Sha256), blocks.Select(b => Convert.ToHexStringLower(b.Sha256)));
    }

    [Fact]
    public async Task Read_ClippedToARangeInsideABlock_CarriesTheWholeBlocksSha256()
    {
        var (store, copy, image) = await BackupAsync(readAhead: 4);
        var victim = copy.Blocks[5];
        var start = victim.Index * Block + 1000;

        var block = Assert.Single(await ToListAsync(store.ReadBlocksAsync("disk", [new ByteRange(start, 3000)],
            CancellationToken.None)));

        Assert.Equal(start, block.Offset);
        Assert.Equal(SHA256.HashData(image.AsSpan((int)(victim.Index * Block), Block)), block.Sha256);
    }

    [Fact]
    public async Task Read_OverACorruptChunk_GivesEveryBlockBeforeIt_ThenNamesTheCopyAndItsOffset()
    {
        var (store, copy, _) = await BackupAsync(readAhead: 8);
        var victim = copy.Blocks[10];
        var path = Directory.EnumerateFiles(_folder.Combine("store", "chunks"), victim.Sha256,
            SearchOption.AllDirectories).Single();
        var bytes = await File.ReadAllBytesAsync(path);
        // Decompresses to other bytes of the right length only rarely; a damaged frame is corrupt either way.
        bytes[bytes.Length / 2] ^= 0x55;
        await File.WriteAllBytesAsync(path, bytes);

        var offsets = new List<long>();
        var error = await Assert.ThrowsAsync<CorruptChunkException>(async () =>
        {
            await foreach (var block in store.ReadBlocksAsync("disk", null, CancellationToken.None))
                offsets.Add(block.Offset);
        });

        Assert.Equal(copy.Blocks.Take(10).Select(b => b.Index * Block), offsets);
        Assert.Equal(victim.Index * Block, error.Offset);
        Assert.Contains("'disk'", error.Message);
    }

    [Fact]
    public async Task Read_OfAChunkThatDecompressesToOtherBytes_FailsItsSha256Check()
    {
        var (store, copy, _) = await BackupAsync(readAhead: 4);
        var victim = copy.Blocks[3];
        var other = copy.Blocks.First(b => b.Sha256 != victim.Sha256);
        var chunks = _folder.Combine("store", "chunks");
        var victimPath = Directory.EnumerateFiles(chunks, victim.Sha256, SearchOption.AllDirectories).Single();
        var otherPath = Directory.EnumerateFiles(chunks, other.Sha256, SearchOption.AllDirectories).Single();
        // A sound zstd frame of a whole block, but of another block: only the digest can tell.
        File.Copy(otherPath, victimPath, overwrite: true);

        var error = await Assert.ThrowsAsync<CorruptChunkException>(async () =>
        {
            await foreach (var _ in store.ReadBlocksAsync("disk", null, CancellationToken.None)) { }
        });

        Assert.Equal(victim.Index * Block, error.Offset);
        Assert.Contains("SHA-256", error.Message);
    }

    private static async Task<List<(long Offset, byte[] Sha256)>> ToListAsync(IAsyncEnumerable<DiskBlock> blocks)
    {
        var list = new List<(long, byte[])>();
        await foreach (var block in blocks) list.Add((block.Offset, block.BlockSha256.ToArray()));
        return list;
    }

    public void Dispose() => _folder.Dispose();
}
