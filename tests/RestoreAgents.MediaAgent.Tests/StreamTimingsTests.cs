using Grpc.Core;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.MediaAgent.Tests;

/// <summary>StreamBlocks ends with the media agent's own timings in its trailers, for the data agent's breakdown.</summary>
public sealed class StreamTimingsTests : IDisposable
{
    private readonly MediaAgentUnderTest _agent = new();

    [Fact]
    public async Task StreamBlocks_EndsWithTheTimeItSpentReadingTheStore_InItsTrailers()
    {
        await _agent.Copies.BackUpAsync("vm", 4L << 20, seed: 3);

        var (blocks, trailers) = await _agent.StreamBlocksWithTrailersAsync("vm");

        Assert.NotEmpty(blocks);
        var timings = StreamBlocksTimings.ReadFrom(trailers);
        Assert.NotNull(timings);
        Assert.True(timings.Value.StoreRead > TimeSpan.Zero, "reading 4 MiB of chunks took no time");
        Assert.True(timings.Value.SendWait >= TimeSpan.Zero);
    }

    [Fact]
    public async Task StreamBlocks_ThatFailsOnACorruptChunk_StillSendsItsTimings()
    {
        var copy = await _agent.Copies.BackUpAsync("vm", 4L << 20, seed: 3);
        var chunk = Directory.GetFiles(_agent.Copies.StorePath, copy.Blocks[2].Sha256, SearchOption.AllDirectories)
            .Single();
        File.WriteAllBytes(chunk, [1, 2, 3]);

        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.StreamBlocksWithTrailersAsync("vm"));

        Assert.Equal(StatusCode.DataLoss, error.StatusCode);
        Assert.NotNull(StreamBlocksTimings.ReadFrom(_agent.LastTrailers));
    }

    [Theory]
    [InlineData(null, "1")]
    [InlineData("x", "1")]
    [InlineData("-1", "1")]
    [InlineData("NaN", "1")]
    public void Timings_ThatAreMissingOrNotSeconds_AreNone(string? storeRead, string sendWait)
    {
        var trailers = new Metadata { { StreamBlocksTimings.SendWaitTrailer, sendWait } };
        if (storeRead is not null) trailers.Add(StreamBlocksTimings.StoreReadTrailer, storeRead);

        Assert.Null(StreamBlocksTimings.ReadFrom(trailers));
    }

    [Fact]
    public void Timings_RoundTripThroughTrailers()
    {
        var trailers = new Metadata();
        new StreamBlocksTimings(TimeSpan.FromSeconds(1.25), TimeSpan.FromMilliseconds(3)).WriteTo(trailers);

        Assert.Equal(new StreamBlocksTimings(TimeSpan.FromSeconds(1.25), TimeSpan.FromMilliseconds(3)),
            StreamBlocksTimings.ReadFrom(trailers));
    }

    public void Dispose() => _agent.Dispose();
}
