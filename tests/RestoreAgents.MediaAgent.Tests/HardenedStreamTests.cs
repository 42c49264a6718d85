using System.Diagnostics;
using Grpc.Core;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.MediaAgent.Tests;

/// <summary>
/// What a data agent (or anyone) may ask of StreamBlocks and DescribeCopy: ranges inside the rule or
/// InvalidArgument naming the first bad one, a damaged manifest DataLoss naming copy and field, and a stream whose
/// client stops reading ended after MediaAgent:StreamIdleTimeout.
/// </summary>
public sealed class HardenedStreamTests : IDisposable
{
    private const int BlockSize = 64 * 1024;
    private const long DiskSize = 16 * BlockSize;
    private readonly MediaAgentUnderTest _agent = new(streamIdleTimeout: IdleTimeout);
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(1);

    public static TheoryData<string, ulong[], int> BadRanges => new()
    {
        { "descending", [8192, 512, 0, 512], 1 },
        { "overlapping", [0, 8192, 4096, 8192], 1 },
        { "beyond the disk", [DiskSize - 512, 1024], 0 },
        { "past long.MaxValue", [0, 512, ulong.MaxValue - 511, 512], 1 },
        { "empty", [0, 0], 0 },
    };

    [Theory]
    [MemberData(nameof(BadRanges))]
    public async Task StreamBlocks_WithBadRanges_IsInvalidArgument_NamingTheFirstBadRange(string why, ulong[] pairs,
        int badIndex)
    {
        await _agent.Copies.BackUpAsync("vm", DiskSize, seed: 1, BlockSize);
        var ranges = pairs.Chunk(2).Select(p => (p[0], p[1])).ToList();

        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.StreamBlocksAsync("vm", ranges));

        Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{why}: {error.Status}");
        Assert.Contains($"range {badIndex} (offset {ranges[badIndex].Item1}, length {ranges[badIndex].Item2})",
            error.Status.Detail);
    }

    [Fact]
    public async Task StreamBlocks_WithMoreThan100000Ranges_IsInvalidArgument_SayingHowMany()
    {
        await _agent.Copies.BackUpAsync("vm", DiskSize, seed: 1, BlockSize);
        var ranges = Enumerable.Range(0, 100_001).Select(i => ((ulong)i * 4, 1UL));

        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.StreamBlocksAsync("vm", ranges));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("100001 ranges, more than 100000", error.Status.Detail);
    }

    [Fact]
    public async Task DescribeAndStream_OfADamagedManifest_AreDataLoss_NamingTheCopyAndField_AndListCopiesKeepsTheRest()
    {
        await _agent.Copies.BackUpAsync("good", DiskSize, seed: 1, BlockSize);
        var copies = Path.Combine(_agent.Copies.StorePath, "copies");
        var manifest = File.ReadAllText(Path.Combine(copies, "good.json")).Replace("\"good\"", "\"bad\"");
        File.WriteAllText(Path.Combine(copies, "bad.json"), manifest.Replace("\"blockSize\": 65536", "\"blockSize\": -1"));

        var described = await Assert.ThrowsAsync<RpcException>(() => _agent.DescribeCopyAsync("bad"));
        var streamed = await Assert.ThrowsAsync<RpcException>(() => _agent.StreamBlocksAsync("bad"));
        var listed = await _agent.ListCopiesAsync();

        Assert.All(new[] { described, streamed }, error =>
        {
            Assert.Equal(StatusCode.DataLoss, error.StatusCode);
            Assert.Contains("copy 'bad'", error.Status.Detail);
            Assert.Contains("blockSize", error.Status.Detail);
        });
        Assert.Equal(["good"], listed.Copies.Select(c => c.Name));
    }

    [Fact(Timeout = 30_000)] // a stream that is never ended fails here rather than hang the run
    public async Task StreamBlocks_WhoseClientStopsReading_EndsAfterTheIdleTimeout_NamingTheSetting()
    {
        await _agent.Copies.BackUpAsync("vm", TestBytes.NonZero((int)DiskSize, seed: 2), BlockSize);
        var reader = new StalledReader(taken: 3);
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RpcException>(
            () => _agent.StreamBlocksAsync(new StreamBlocksRequest { CopyName = "vm" }, reader));

        Assert.True(reader.Stalled.IsCompleted);
        Assert.Equal(3, reader.Taken);
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Contains("MediaAgent:StreamIdleTimeout", error.Status.Detail);
        Assert.Contains("'vm'", error.Status.Detail);
        Assert.True(watch.Elapsed >= IdleTimeout, $"ended after {watch.Elapsed}, before the timeout");
    }

    [Fact]
    public async Task StreamBlocks_WhoseClientReadsSlowerThanTheStoreButNeverStops_RunsToTheEnd()
    {
        // Each of the 16 writes waits 100 ms, far within the 1 s timeout; the whole stream takes longer than it.
        await _agent.Copies.BackUpAsync("vm", TestBytes.NonZero((int)DiskSize, seed: 2), BlockSize);
        var reader = new SlowReader(TimeSpan.FromMilliseconds(100));

        await _agent.StreamBlocksAsync(new StreamBlocksRequest { CopyName = "vm" }, reader);

        Assert.Equal(16, reader.Written);
    }

    [Fact]
    public async Task ARefusedRequest_IsLoggedOnOneLine_WithTheControlCharactersOfItsNameEscaped()
    {
        var forged = "vm\nwarn: StreamBlocks succeeded\u001b[2K";

        await Assert.ThrowsAsync<RpcException>(() => _agent.DescribeCopyAsync(forged));

        var line = Assert.Single(_agent.Log.Entries).Message;
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\u001b', line);
        Assert.Contains(@"vm\x0awarn: StreamBlocks succeeded\x1b[2K", line);
    }

    public void Dispose() => _agent.Dispose();

    private sealed class SlowReader(TimeSpan perWrite) : IServerStreamWriter<Block>
    {
        public int Written { get; private set; }

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(Block message) => WriteAsync(message, CancellationToken.None);

        public async Task WriteAsync(Block message, CancellationToken cancellationToken)
        {
            await Task.Delay(perWrite, cancellationToken);
            Written++;
        }
    }
}
