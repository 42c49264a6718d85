using System.IO.Hashing;
using Grpc.Core;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// The media agent's stream over real gRPC: every piece at most 64 KiB with a matching XxHash3, in ascending
/// order, no all-zero block sent; and a stream restricted to ranges (what a resume asks for) sends exactly those bytes.
/// </summary>
[Requires(RealPart.Azurite)]
[Collection(AgentsCollection.Name)]
public sealed class MediaAgentStreamTests(AgentsFixture agents)
{
    private const int MiB = 1024 * 1024;
    private const int BlockSize = MiB;

    private async Task<(byte[] Disk, List<Block> Blocks)> StreamAsync(string copy, Func<string, Task>? shape,
        params Extent[] ranges)
    {
        var image = Path.Combine(agents.WorkPath, $"{copy}.raw");
        if (!File.Exists(image))
        {
            await TestDiskImage.CreateAsync(image, 6L * MiB + 4096, seed: 81, dataFraction: 0.6);
            if (shape is not null) await shape(image);
            await new RestoreDriver(agents).BackupAsync(image, copy, BlockSize);
        }
        using var channel = agents.MediaAgentChannel();
        var request = new StreamBlocksRequest { CopyName = copy };
        request.Ranges.AddRange(ranges);
        using var call = new Protocol.V1.MediaAgent.MediaAgentClient(channel).StreamBlocks(request);
        var blocks = new List<Block>();
        await foreach (var block in call.ResponseStream.ReadAllAsync()) blocks.Add(block);
        return (await File.ReadAllBytesAsync(image), blocks);
    }

    /// <summary>
    /// Zeros written into the image, not only holes: the first block, a block in the middle and the short last
    /// block are all zeros on disk, so a backup that stores (or a stream that sends) any zero block is seen.
    /// </summary>
    private static async Task WriteZeroBlocksAsync(string image)
    {
        await using var file = new FileStream(image, FileMode.Open, FileAccess.Write);
        foreach (var (offset, length) in new (long, int)[] { (0, BlockSize), (3 * BlockSize, BlockSize), (6L * BlockSize, 4096) })
        {
            file.Position = offset;
            await file.WriteAsync(new byte[length]);
        }
    }

    [Fact]
    public async Task Stream_OfAWholeCopy_SendsEveryNonZeroByte_InCheckedPiecesInOrder_AndNoZeroBlock()
    {
        var (disk, blocks) = await StreamAsync("stream-whole", WriteZeroBlocksAsync);

        var rebuilt = new byte[disk.Length];
        long previousEnd = 0;
        foreach (var block in blocks)
        {
            Assert.InRange(block.Data.Length, 1, 64 * 1024);
            Assert.Equal(XxHash3.HashToUInt64(block.Data.Span), block.Xxhash3);
            Assert.True((long)block.Offset >= previousEnd, $"piece at {block.Offset} is out of order");
            previousEnd = (long)block.Offset + block.Data.Length;
            block.Data.Span.CopyTo(rebuilt.AsSpan((int)block.Offset));
        }
        Assert.Equal(disk, rebuilt);
        // Exactly the blocks that hold a non-zero byte travelled: no all-zero block, wherever it is.
        var nonZero = Enumerable.Range(0, (disk.Length + BlockSize - 1) / BlockSize)
            .Where(i => disk.AsSpan(i * BlockSize, Math.Min(BlockSize, disk.Length - i * BlockSize))
                .ContainsAnyExcept((byte)0))
            .ToList();
        var sent = blocks.Select(b => (int)(b.Offset / BlockSize)).Distinct().Order().ToList();
        Assert.True(nonZero.Count <= 4, "the image lacks the three zero blocks that make this test prove anything");
        Assert.Equal(nonZero, sent);
    }

    [Fact]
    public async Task Stream_RestrictedToRanges_SendsExactlyTheirBytes()
    {
        // Mid-block, unaligned ranges: the resume of a restore asks for what did not arrive.
        Extent[] ranges = [new() { Offset = 1000, Length = 70_000 }, new() { Offset = 3 * MiB + 4096, Length = MiB + 7 }];

        var (disk, blocks) = await StreamAsync("stream-ranges", null, ranges);

        var expected = new byte[disk.Length];
        foreach (var range in ranges)
            disk.AsSpan((int)range.Offset, (int)range.Length).CopyTo(expected.AsSpan((int)range.Offset));
        var rebuilt = new byte[disk.Length];
        foreach (var block in blocks)
        {
            var inside = ranges.Any(r => block.Offset >= r.Offset
                && block.Offset + (ulong)block.Data.Length <= r.Offset + r.Length);
            Assert.True(inside, $"piece [{block.Offset}, +{block.Data.Length}) is outside the ranges asked for");
            block.Data.Span.CopyTo(rebuilt.AsSpan((int)block.Offset));
        }
        Assert.Equal(expected, rebuilt);
    }
}
