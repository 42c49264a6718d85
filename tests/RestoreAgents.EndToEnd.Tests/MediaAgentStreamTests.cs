using System.IO.Hashing;
using Grpc.Core;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// The media agent's stream over real gRPC: every piece at most 64 KiB with a matching XxHash3, in ascending
/// order, zeros never sent; and a stream restricted to ranges (what a resume asks for) sends exactly those bytes.
/// </summary>
[Requires(RealPart.Azurite)]
[Collection(AgentsCollection.Name)]
public sealed class MediaAgentStreamTests(AgentsFixture agents)
{
    private const int MiB = 1024 * 1024;

    private async Task<(byte[] Disk, List<Block> Blocks)> StreamAsync(string copy, params Extent[] ranges)
    {
        var image = Path.Combine(agents.WorkPath, $"{copy}.raw");
        if (!File.Exists(image))
        {
            await TestDiskImage.CreateAsync(image, 6L * MiB + 4096, seed: 81, dataFraction: 0.6);
            await new RestoreDriver(agents).BackupAsync(image, copy);
        }
        using var channel = agents.MediaAgentChannel();
        var request = new StreamBlocksRequest { CopyName = copy };
        request.Ranges.AddRange(ranges);
        using var call = new Protocol.V1.MediaAgent.MediaAgentClient(channel).StreamBlocks(request);
        var blocks = new List<Block>();
        await foreach (var block in call.ResponseStream.ReadAllAsync()) blocks.Add(block);
        return (await File.ReadAllBytesAsync(image), blocks);
    }

    [Fact]
    public async Task Stream_OfAWholeCopy_SendsEveryNonZeroByte_InCheckedPiecesInOrder()
    {
        var (disk, blocks) = await StreamAsync("stream-whole");

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
        Assert.True(blocks.Sum(b => (long)b.Data.Length) < disk.Length, "zero blocks were sent");
    }

    [Fact]
    public async Task Stream_RestrictedToRanges_SendsExactlyTheirBytes()
    {
        // Mid-block, unaligned ranges: the resume of a restore asks for what did not arrive.
        Extent[] ranges = [new() { Offset = 1000, Length = 70_000 }, new() { Offset = 3 * MiB + 4096, Length = MiB + 7 }];

        var (disk, blocks) = await StreamAsync("stream-ranges", ranges);

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
