using System.IO.Hashing;
using System.Security.Cryptography;
using Grpc.Core;

namespace RestoreAgents.MediaAgent.Tests;

/// <summary>StreamBlocks: the store's blocks cut into 64 KiB checked pieces, zeros never sent, ranges honoured.</summary>
public sealed class StreamBlocksTests : IDisposable
{
    // Blocks of 100 KiB are not a whole number of 64 KiB pieces, so each block ends in a short piece.
    private const int BlockSize = 100 * 1024;
    private const long DiskSize = 5 * BlockSize + 1536;

    // Blocks 0, 2 and 3 and the 1536-byte tail hold data; blocks 1 and 4 are all zeros.
    private static readonly byte[] Image = DiskBytes.With(DiskSize,
        (0, BlockSize), (2 * BlockSize + 5, 10), (4 * BlockSize - 1, 1), (5 * BlockSize, 1536));

    private readonly MediaAgentUnderTest _agent = new();

    [Fact]
    public async Task StreamBlocks_CutsEachStoredBlockInto64KiBPieces_AtTheirDiskOffsets()
    {
        await _agent.Copies.BackUpAsync("vm", Image, BlockSize);

        var pieces = await _agent.StreamBlocksAsync("vm");

        Assert.Equal(
            [(0, 65536), (65536, 36864), (204800, 65536), (270336, 36864), (307200, 65536), (372736, 36864), (512000, 1536)],
            pieces.Select(p => ((long)p.Offset, p.Data.Length)));
        Assert.All(pieces, p => Assert.Equal(Image.AsSpan((int)p.Offset, p.Data.Length), p.Data.Span));
    }

    [Fact]
    public async Task StreamBlocks_SendsNoByteOfAnAllZeroBlock_ButAllOfABlockWithOneByteOfData()
    {
        await _agent.Copies.BackUpAsync("vm", Image, BlockSize);

        var pieces = await _agent.StreamBlocksAsync("vm");

        Assert.DoesNotContain(pieces, p => Overlaps(p, BlockSize, BlockSize));
        Assert.DoesNotContain(pieces, p => Overlaps(p, 4 * BlockSize, BlockSize));
        // Block 3 holds one byte of data at its very end, and goes whole: the store's block is the unit.
        Assert.Equal(BlockSize, pieces.Where(p => Overlaps(p, 3 * BlockSize, BlockSize)).Sum(p => p.Data.Length));
        Assert.Equal(3 * BlockSize + 1536, pieces.Sum(p => p.Data.Length));
    }

    [Fact]
    public async Task StreamBlocks_SendsNothing_ForAnAllZeroDisk()
    {
        await _agent.Copies.BackUpAsync("zeros", new byte[DiskSize], BlockSize);

        Assert.Empty(await _agent.StreamBlocksAsync("zeros"));
    }

    [Fact]
    public async Task StreamBlocks_GivesEachPieceTheXxHash3OfItsOwnBytes()
    {
        await _agent.Copies.BackUpAsync("vm", Image, BlockSize);

        var pieces = await _agent.StreamBlocksAsync("vm");

        Assert.All(pieces, p => Assert.Equal(XxHash3.HashToUInt64(p.Data.Span), p.Xxhash3));
        Assert.Equal(pieces.Count, pieces.Select(p => p.Xxhash3).Distinct().Count());
    }

    [Fact]
    public async Task StreamBlocks_RebuildsAGeneratedDisk_InAscendingPiecesOfAtMost64KiB()
    {
        const long size = 6L * 1024 * 1024 + 1536;
        await _agent.Copies.BackUpAsync("generated", size, seed: 5);

        var pieces = await _agent.StreamBlocksAsync("generated");

        Assert.All(pieces, p => Assert.InRange(p.Data.Length, 1, 64 * 1024));
        Assert.All(pieces.Zip(pieces.Skip(1)), pair =>
            Assert.True(pair.First.Offset + (ulong)pair.First.Data.Length <= pair.Second.Offset,
                $"the piece at {pair.Second.Offset} comes after the one at {pair.First.Offset}, which overlaps it"));
        Assert.Equal(File.ReadAllBytes(_agent.Copies.ImagePath("generated")), DiskBytes.Reassemble(size, pieces));
    }

    [Theory]
    [InlineData(new long[] { 1000, 70000 }, new long[] { 1000, 65536, 66536, 4464 })] // unaligned, inside block 0
    [InlineData(new long[] { 150000, 100000 }, new long[] { 204800, 45200 })] // across zero block 1 into block 2
    [InlineData(new long[] { 512100, 100 }, new long[] { 512100, 100 })] // inside the short last block
    [InlineData(new long[] { 0, 10, 372730, 20 }, new long[] { 0, 10, 372730, 20 })] // two ranges
    [InlineData(new long[] { 102400, 102400 }, new long[0])] // zeros only
    [InlineData(new long[] { 511000, 2536 }, new long[] { 512000, 1536 })] // up to the end of the disk
    public async Task StreamBlocks_SendsExactlyTheAllocatedBytesOfTheRanges(long[] ranges, long[] expected)
    {
        await _agent.Copies.BackUpAsync("vm", Image, BlockSize);

        var pieces = await _agent.StreamBlocksAsync("vm", Pairs(ranges).ToArray());

        Assert.Equal(Pairs(expected), pieces.Select(p => ((long)p.Offset, (long)p.Data.Length)));
        Assert.All(pieces, p => Assert.Equal(Image.AsSpan((int)p.Offset, p.Data.Length), p.Data.Span));
        Assert.All(pieces, p => Assert.Equal(XxHash3.HashToUInt64(p.Data.Span), p.Xxhash3));
    }

    [Fact]
    public async Task StreamBlocks_OfAnUnknownCopy_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.StreamBlocksAsync("vm-missing"));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("vm-missing", error.Status.Detail);
    }

    [Fact]
    public async Task StreamBlocks_GivesTheFirstPieceOfEachBlock_TheBlocksSha256_AndTheOthersNone()
    {
        await _agent.Copies.BackUpAsync("vm", Image, BlockSize);

        var pieces = await _agent.StreamBlocksAsync("vm");

        var hashed = pieces.Where(p => !p.BlockSha256.IsEmpty).ToList();
        Assert.Equal([0L, 2 * BlockSize, 3 * BlockSize, 5 * BlockSize], hashed.Select(p => (long)p.Offset));
        Assert.All(hashed, p => Assert.Equal(SHA256.HashData(Image.AsSpan((int)p.Offset,
            (int)Math.Min(BlockSize, DiskSize - (long)p.Offset))), p.BlockSha256.ToByteArray()));
    }

    [Fact]
    public async Task StreamBlocks_OfARangeStartingInsideABlock_GivesItsFirstPieceTheWholeBlocksSha256()
    {
        await _agent.Copies.BackUpAsync("vm", Image, BlockSize);

        var pieces = await _agent.StreamBlocksAsync("vm", (2 * BlockSize + 1000, BlockSize));

        Assert.Equal((ulong)(2 * BlockSize + 1000), pieces[0].Offset);
        Assert.Equal(SHA256.HashData(Image.AsSpan(2 * BlockSize, BlockSize)), pieces[0].BlockSha256.ToByteArray());
        // The range reaches into block 3: its first piece brings block 3's hash.
        var next = pieces.Single(p => (long)p.Offset == 3 * BlockSize);
        Assert.Equal(SHA256.HashData(Image.AsSpan(3 * BlockSize, BlockSize)), next.BlockSha256.ToByteArray());
    }

    [Fact]
    public async Task StreamBlocks_OverACorruptChunk_IsDataLoss_NamingTheCopyAndTheOffset()
    {
        var copy = await _agent.Copies.BackUpAsync("vm", Image, BlockSize);
        var third = copy.Blocks[1]; // block 2, at 204800
        var chunk = Directory.GetFiles(_agent.Copies.StorePath, third.Sha256, SearchOption.AllDirectories).Single();
        File.WriteAllBytes(chunk, [1, 2, 3]);

        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.StreamBlocksAsync("vm"));

        Assert.Equal(StatusCode.DataLoss, error.StatusCode);
        Assert.Contains("'vm'", error.Status.Detail);
        Assert.Contains("204800", error.Status.Detail);
    }

    private static bool Overlaps(Protocol.V1.Block piece, long offset, long length) =>
        (long)piece.Offset < offset + length && (long)piece.Offset + piece.Data.Length > offset;

    private static IEnumerable<(long, long)> Pairs(long[] values) =>
        values.Chunk(2).Select(pair => (pair[0], pair[1]));

    public void Dispose() => _agent.Dispose();
}
