using System.Security.Cryptography;
using RestoreAgents.Caching;
using RestoreAgents.DataAgent.Verification;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>
/// The block proof as the page cache calls it: every stored block hashed over the bytes of the pages that go up,
/// whether a page holds whole blocks or a block spreads over pages, pages flushed early proved when they come back
/// complete, holes zero; and the proof failing, naming the block, when a byte differs or a hash never came.
/// </summary>
public sealed class BlockProofTests
{
    private const int KiB = 1024;

    private static CopyDescription Copy(int blockSize, long diskSize, params (long Offset, long Length)[] allocated)
    {
        var copy = new CopyDescription { Name = "vm", BlockSize = (uint)blockSize, DiskSize = (ulong)diskSize };
        foreach (var (offset, length) in allocated)
            copy.Allocated.Add(new Extent { Offset = (ulong)offset, Length = (ulong)length });
        return copy;
    }

    /// <summary>A disk whose allocated bytes are non-zero and whose holes are zero.</summary>
    private static byte[] Disk(CopyDescription copy)
    {
        var disk = new byte[copy.DiskSize];
        foreach (var extent in copy.Allocated)
            TestBytes.NonZero((int)extent.Length, seed: (int)extent.Offset).CopyTo(disk, (int)extent.Offset);
        return disk;
    }

    private static void AddHashes(BlockProof proof, CopyDescription copy, byte[] disk)
    {
        foreach (var extent in copy.Allocated)
            for (var offset = (long)extent.Offset; offset < (long)(extent.Offset + extent.Length); offset += copy.BlockSize)
            {
                var length = (int)Math.Min(copy.BlockSize, disk.Length - offset);
                proof.AddHash(offset, SHA256.HashData(disk.AsSpan((int)offset, length)));
            }
    }

    private static void CheckPage(BlockProof proof, byte[] disk, long offset, int pageSize, params LongRange[] known)
    {
        var length = (int)Math.Min(pageSize, disk.Length - offset);
        proof.Check(offset, disk.AsSpan((int)offset, length), known.Length > 0 ? known : [new LongRange(0, length)]);
    }

    [Fact]
    public void Check_ProvesBlocksInsideAPage_AndZeroPagesOverHoles_ThenCompletes()
    {
        var copy = Copy(4 * KiB, 64 * KiB, (0, 16 * KiB), (32 * KiB, 16 * KiB));
        var disk = Disk(copy);
        using var proof = new BlockProof(copy, 16 * KiB, "blob 'vm.vhd'");
        AddHashes(proof, copy, disk);

        for (long page = 0; page < 64 * KiB; page += 16 * KiB) CheckPage(proof, disk, page, 16 * KiB);

        proof.Complete();
        Assert.Equal(8, proof.ProvedBlocks);
    }

    [Fact]
    public void Check_FailsAPage_WhoseBlockDiffersByOneByte_NamingTheBlockAndThePage()
    {
        var copy = Copy(4 * KiB, 64 * KiB, (0, 64 * KiB));
        var disk = Disk(copy);
        using var proof = new BlockProof(copy, 16 * KiB, "blob 'vm.vhd'");
        AddHashes(proof, copy, disk);
        disk[16 * KiB + 4 * KiB + 7] ^= 1;

        CheckPage(proof, disk, 0, 16 * KiB);
        var error = Assert.Throws<RestoreProofException>(() => CheckPage(proof, disk, 16 * KiB, 16 * KiB));

        Assert.Contains($"block at offset {20 * KiB} of copy 'vm' does not match its SHA-256", error.Message);
        Assert.Contains($"page at offset {16 * KiB} going to blob 'vm.vhd'", error.Message);
    }

    [Fact]
    public void Check_FailsAPage_WithANonZeroByteInAHole()
    {
        var copy = Copy(4 * KiB, 32 * KiB, (0, 16 * KiB));
        var disk = Disk(copy);
        using var proof = new BlockProof(copy, 16 * KiB, "blob 'vm.vhd'");
        AddHashes(proof, copy, disk);
        disk[20 * KiB + 3] = 0x41;

        var error = Assert.Throws<RestoreProofException>(() => CheckPage(proof, disk, 16 * KiB, 16 * KiB));

        Assert.Contains($"non-zero byte at disk offset {20 * KiB + 3}, where copy 'vm' has only zeros", error.Message);
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3 })]
    [InlineData(new[] { 3, 1, 0, 2 })]
    public void Check_ProvesABlockSpreadOverPages_InAnyOrder(int[] order)
    {
        var copy = Copy(16 * KiB, 16 * KiB, (0, 16 * KiB));
        var disk = Disk(copy);
        using var proof = new BlockProof(copy, 4 * KiB, "blob 'vm.vhd'");
        AddHashes(proof, copy, disk);

        foreach (var page in order) CheckPage(proof, disk, page * 4L * KiB, 4 * KiB);

        proof.Complete();
        Assert.Equal(1, proof.ProvedBlocks);
    }

    [Fact]
    public void Check_FailsABlockSpreadOverPages_WhenOnePageDiffers()
    {
        var copy = Copy(16 * KiB, 16 * KiB, (0, 16 * KiB));
        var disk = Disk(copy);
        using var proof = new BlockProof(copy, 4 * KiB, "blob 'vm.vhd'");
        AddHashes(proof, copy, disk);
        disk[9 * KiB] ^= 0x80;

        CheckPage(proof, disk, 0, 4 * KiB);
        CheckPage(proof, disk, 8 * KiB, 4 * KiB);
        CheckPage(proof, disk, 12 * KiB, 4 * KiB);
        var error = Assert.Throws<RestoreProofException>(() => CheckPage(proof, disk, 4 * KiB, 4 * KiB));

        Assert.Contains("block at offset 0 of copy 'vm' does not match its SHA-256", error.Message);
    }

    [Fact]
    public void Check_OfAPageFlushedEarly_LeavesItsUnfinishedBlockForLater_AndProvesItWhenThePageComesBackComplete()
    {
        var copy = Copy(4 * KiB, 16 * KiB, (0, 16 * KiB));
        var disk = Disk(copy);
        using var proof = new BlockProof(copy, 16 * KiB, "blob 'vm.vhd'");
        AddHashes(proof, copy, disk);
        // Flushed early with the first 6 KiB known: block 0 is whole, block 1 half there (its rest reads as zeros).
        var early = disk.AsSpan(0, 16 * KiB).ToArray();
        early.AsSpan(6 * KiB).Clear();

        proof.Check(0, early, [new LongRange(0, 6 * KiB)]);
        Assert.Equal(1, proof.ProvedBlocks);
        var unfinished = Assert.Throws<RestoreProofException>(proof.Complete);
        Assert.Contains($"block at offset {4 * KiB} of copy 'vm' never went up complete", unfinished.Message);

        CheckPage(proof, disk, 0, 16 * KiB);
        proof.Complete();
        Assert.Equal(4, proof.ProvedBlocks);
    }

    [Fact]
    public void Complete_FailsNamingTheFirstBlockWhoseHashNeverCame()
    {
        var copy = Copy(4 * KiB, 16 * KiB, (0, 16 * KiB));
        var disk = Disk(copy);
        using var proof = new BlockProof(copy, 4 * KiB, "blob 'vm.vhd'");
        proof.AddHash(0, SHA256.HashData(disk.AsSpan(0, 4 * KiB)));
        CheckPage(proof, disk, 0, 4 * KiB);

        var error = Assert.Throws<RestoreProofException>(() => CheckPage(proof, disk, 4 * KiB, 4 * KiB));
        Assert.Contains($"block at offset {4 * KiB} of copy 'vm' before the media agent sent its SHA-256", error.Message);
        var incomplete = Assert.Throws<RestoreProofException>(proof.Complete);
        Assert.Contains($"block at offset {4 * KiB} of copy 'vm' never came with its SHA-256", incomplete.Message);
    }

    [Fact]
    public void AddHash_RefusesAnotherHashForABlock_ButTakesTheSameOneAgain()
    {
        var copy = Copy(4 * KiB, 16 * KiB, (0, 16 * KiB));
        using var proof = new BlockProof(copy, 4 * KiB, "blob 'vm.vhd'");
        var hash = SHA256.HashData(new byte[] { 1 });

        proof.AddHash(4 * KiB, hash);
        proof.AddHash(4 * KiB + 100, hash); // a re-opened stream starting inside the block

        var error = Assert.Throws<RestoreProofException>(() => proof.AddHash(4 * KiB, SHA256.HashData(new byte[] { 2 })));
        Assert.Contains("another SHA-256", error.Message);
        Assert.Throws<RestoreProofException>(() => proof.AddHash(0, new byte[16]));
    }

    [Fact]
    public void PageRangeProof_NamesTheFirstPageMissing_AndTheFirstPageExtra_AndTakesRangesSplitDifferently()
    {
        var expected = PageRangeProof.Expected([new LongRange(0, 2), new LongRange(5, 6)], pageSize: 1024,
            dataSize: 8192, footerLength: 512);

        PageRangeProof.Compare(expected, Ranges((0, 1024), (1024, 2048), (5120, 6144), (8192, 8704)), "blob 'b'");
        var missing = Assert.Throws<RestoreProofException>(() =>
            PageRangeProof.Compare(expected, Ranges((0, 1024), (5120, 6144), (8192, 8704)), "blob 'b'"));
        Assert.Contains("lacks the pages at [1024, 2048)", missing.Message);
        var extra = Assert.Throws<RestoreProofException>(() =>
            PageRangeProof.Compare(expected, Ranges((0, 2048), (3072, 3584), (5120, 6144), (8192, 8704)), "blob 'b'"));
        Assert.Contains("holds pages at [3072, 3584) that the restore never wrote", extra.Message);
    }

    [Fact]
    public async Task PageCache_WithTheProof_FailsThePagesUpload_WhenItsBytesChangeInTheCacheFile()
    {
        const int page = 64 * KiB;
        var copy = Copy(page, 4 * page, (0, 4 * page));
        var disk = Disk(copy);
        using var folder = new TempDirectory("block-proof");
        using var blob = new FilePageBlob(folder.Combine("blob"), disk.Length);
        using var proof = new BlockProof(copy, page, "blob 'vm.vhd'");
        AddHashes(proof, copy, disk);
        // One slot: the page being filled sits at the start of the cache file.
        await using var cache = new PageCache(new PageCacheOptions
        {
            PageSize = page, CapacityBytes = page, Directory = folder.Combine("cache"), UploadParallelism = 1,
        }, disk.Length, blob, "proof-test", pageCheck: proof);

        await cache.WriteAsync(0, disk.AsMemory(0, page / 2));
        CacheFileBytes.FlipByte(cache.CacheFilePath, 100);
        await cache.WriteAsync(page / 2, disk.AsMemory(page / 2, page / 2)); // full: it goes up

        var error = await Assert.ThrowsAsync<PageUploadException>(() => cache.FlushAsync());
        Assert.Equal(0, error.PageOffset);
        Assert.Contains("block at offset 0 of copy 'vm' does not match its SHA-256", error.Message);
        Assert.Equal(0, proof.ProvedBlocks);
    }

    [Fact]
    public async Task PageCache_WithTheProof_ProvesEveryPageItUploads()
    {
        const int page = 64 * KiB;
        var copy = Copy(16 * KiB, 4 * page, (0, 3 * page));
        var disk = Disk(copy);
        using var folder = new TempDirectory("block-proof");
        using var blob = new FilePageBlob(folder.Combine("blob"), disk.Length);
        using var proof = new BlockProof(copy, page, "blob 'vm.vhd'");
        AddHashes(proof, copy, disk);
        await using var cache = new PageCache(new PageCacheOptions
        {
            PageSize = page, CapacityBytes = page, Directory = folder.Combine("cache"), UploadParallelism = 1,
        }, disk.Length, blob, "proof-test", pageCheck: proof);
        cache.DeclareZero(3 * page, page);

        // Out of order and unaligned, through one slot: pages go up early and come back.
        foreach (var (offset, length) in new[] { (100_000, 96_608), (0, 100_000) })
            await cache.WriteAsync(offset, disk.AsMemory(offset, length));
        await cache.FlushAsync();

        proof.Complete();
        Assert.Equal(12, proof.ProvedBlocks);
    }

    private static RangeSet Ranges(params (long Start, long End)[] ranges)
    {
        var set = new RangeSet();
        foreach (var (start, end) in ranges) set.Add(start, end);
        return set;
    }
}
