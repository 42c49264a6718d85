using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
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
    private readonly StoreExceptionInterceptor _interceptor;

    public MediaAgentUnderTest(TimeSpan? streamIdleTimeout = null)
    {
        _interceptor = new StoreExceptionInterceptor(Log);
        Service = new MediaAgentService(Copies.Store,
            Options.Create(new MediaAgentOptions
            {
                StorePath = Copies.StorePath,
                StreamIdleTimeout = streamIdleTimeout ?? TimeSpan.FromMinutes(10),
            }),
            TimeProvider.System, NullLogger<MediaAgentService>.Instance);
    }

    /// <summary>What the status-mapping interceptor logged: the refusals an operator reads.</summary>
    public CapturingLogger<StoreExceptionInterceptor> Log { get; } = new();

    public TestCopyStore Copies { get; } = new();

    public MediaAgentService Service { get; }

    public Task<ListCopiesResponse> ListCopiesAsync() =>
        _interceptor.UnaryServerHandler(new ListCopiesRequest(), Context("ListCopies"), Service.ListCopies);

    public Task<CopyDescription> DescribeCopyAsync(string copyName) =>
        _interceptor.UnaryServerHandler(new DescribeCopyRequest { CopyName = copyName }, Context("DescribeCopy"),
            Service.DescribeCopy);

    /// <summary>Every message of StreamBlocks, restricted to <paramref name="ranges"/> (offset, length) if any.</summary>
    public Task<List<Block>> StreamBlocksAsync(string copyName, params (long Offset, long Length)[] ranges) =>
        StreamBlocksAsync(copyName, ranges.Select(r => ((ulong)r.Offset, (ulong)r.Length)));

    /// <inheritdoc cref="StreamBlocksAsync(string, ValueTuple{long, long}[])"/>
    public async Task<List<Block>> StreamBlocksAsync(string copyName, IEnumerable<(ulong Offset, ulong Length)> ranges)
    {
        var request = new StreamBlocksRequest { CopyName = copyName };
        request.Ranges.AddRange(ranges.Select(r => new Extent { Offset = r.Offset, Length = r.Length }));
        var context = Context("StreamBlocks");
        var stream = new TestServerStreamWriter<Block>(context);
        try
        {
            await StreamBlocksAsync(request, stream, context);
        }
        finally
        {
            stream.Complete();
        }
        return await stream.ReadAllAsync();
    }

    /// <summary>StreamBlocks into a stream of the caller's, e.g. one whose client stops reading.</summary>
    public Task StreamBlocksAsync(StreamBlocksRequest request, IServerStreamWriter<Block> stream,
        ServerCallContext? context = null) =>
        _interceptor.ServerStreamingServerHandler(request, stream, context ?? Context("StreamBlocks"),
            Service.StreamBlocks);

    private static TestServerCallContext Context(string method) =>
        TestServerCallContext.Create($"/restoreagents.v1.MediaAgent/{method}");

    public void Dispose() => Copies.Dispose();
}
