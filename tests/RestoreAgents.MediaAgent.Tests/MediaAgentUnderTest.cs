using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using RestoreAgents.MediaAgent.Services;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.MediaAgent.Tests;

/// <summary>
/// The media agent's service behind its status-mapping interceptor, over a real store in a temporary folder,
/// called as methods: what a client would receive, without a host.
/// </summary>
internal sealed class MediaAgentUnderTest : IDisposable
{
    private readonly StoreExceptionInterceptor _interceptor = new(NullLogger<StoreExceptionInterceptor>.Instance);

    private readonly TestMeterFactory _meters = new();

    public MediaAgentUnderTest() =>
        Service = new MediaAgentService(Copies.Store, new MediaAgentMetrics(_meters), TimeProvider.System,
            NullLogger<MediaAgentService>.Instance);

    public TestCopyStore Copies { get; } = new();

    public MediaAgentService Service { get; }

    /// <summary>The trailers of the last StreamBlocks call, also when it failed.</summary>
    public Metadata? LastTrailers { get; private set; }

    public Task<ListCopiesResponse> ListCopiesAsync() =>
        _interceptor.UnaryServerHandler(new ListCopiesRequest(), Context("ListCopies"), Service.ListCopies);

    public Task<CopyDescription> DescribeCopyAsync(string copyName) =>
        _interceptor.UnaryServerHandler(new DescribeCopyRequest { CopyName = copyName }, Context("DescribeCopy"),
            Service.DescribeCopy);

    /// <summary>Every message of StreamBlocks, restricted to <paramref name="ranges"/> (offset, length) if any.</summary>
    public async Task<List<Block>> StreamBlocksAsync(string copyName, params (long Offset, long Length)[] ranges) =>
        (await StreamBlocksWithTrailersAsync(copyName, ranges)).Blocks;

    /// <summary>The messages of StreamBlocks and the trailers it ended with (also when it failed).</summary>
    public async Task<(List<Block> Blocks, Metadata Trailers)> StreamBlocksWithTrailersAsync(string copyName,
        params (long Offset, long Length)[] ranges)
    {
        var request = new StreamBlocksRequest { CopyName = copyName };
        request.Ranges.AddRange(ranges.Select(r => new Extent { Offset = (ulong)r.Offset, Length = (ulong)r.Length }));
        var context = Context("StreamBlocks");
        LastTrailers = context.ResponseTrailers;
        var stream = new TestServerStreamWriter<Block>(context);
        try
        {
            await _interceptor.ServerStreamingServerHandler(request, stream, context, Service.StreamBlocks);
        }
        finally
        {
            stream.Complete();
        }
        return (await stream.ReadAllAsync(), context.ResponseTrailers);
    }

    private static TestServerCallContext Context(string method) =>
        TestServerCallContext.Create($"/restoreagents.v1.MediaAgent/{method}");

    public void Dispose()
    {
        Copies.Dispose();
        _meters.Dispose();
    }
}
