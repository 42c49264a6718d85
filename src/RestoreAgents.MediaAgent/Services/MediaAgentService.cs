using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using RestoreAgents.Hosting.Security;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Store;
using RestoreAgents.Telemetry;

namespace RestoreAgents.MediaAgent.Services;

/// <summary>Translates the media agent's gRPC calls into store reads; store errors map to status codes in
/// <see cref="StoreExceptionInterceptor"/>.</summary>
public sealed class MediaAgentService(SecondaryCopyStore store, IOptions<MediaAgentOptions> options,
    MediaAgentMetrics metrics, TimeProvider time, ILogger<MediaAgentService> logger)
    : Protocol.V1.MediaAgent.MediaAgentBase
{
    [Authorize(Policy = AccessPolicies.CopiesRead)]
    public override Task<ListCopiesResponse> ListCopies(ListCopiesRequest request, ServerCallContext context)
    {
        var response = new ListCopiesResponse();
        response.Copies.AddRange(store.ListCopies().Select(CopyDescriptions.From));
        return Task.FromResult(response);
    }

    [Authorize(Policy = AccessPolicies.CopiesRead)]
    public override Task<CopyDescription> DescribeCopy(DescribeCopyRequest request, ServerCallContext context) =>
        Task.FromResult(CopyDescriptions.From(store.GetCopy(request.CopyName)));

    [Authorize(Policy = AccessPolicies.CopiesStream)]
    public override async Task StreamBlocks(StreamBlocksRequest request, IServerStreamWriter<Block> responseStream,
        ServerCallContext context)
    {
        var copy = store.GetCopy(request.CopyName);
        var ranges = request.Ranges.Count == 0 ? null : ByteRanges(request);

        using var activity = MediaAgentTelemetry.Source.StartActivity(MediaAgentTelemetry.StreamSpan);
        if (activity is not null)
        {
            activity.SetTag(TelemetryAttributes.RpcSystem, TelemetryAttributes.RpcSystemGrpc);
            activity.SetTag(TelemetryAttributes.RpcService, Protocol.V1.MediaAgent.Descriptor.FullName);
            activity.SetTag(TelemetryAttributes.RpcMethod, nameof(StreamBlocks));
            activity.SetTag(TelemetryAttributes.CopyName, copy.Name);
        }
        var timer = new StreamStageTimer(metrics, time);
        long bytesSent = 0;
        using var idle = new StreamIdleWatch(options.Value.StreamIdleTimeout, time, context.CancellationToken,
            () => Reset(context));

        try
        {
            await using var blocks = store.ReadBlocksAsync(copy.Name, ranges, context.CancellationToken)
                .GetAsyncEnumerator(context.CancellationToken);
            while (await timer.TimeReadAsync(blocks, context.CancellationToken))
            {
                var block = blocks.Current;
                for (var start = 0; start < block.Data.Length; start += BlockMessages.MaxPieceBytes)
                {
                    var piece = block.Data.Slice(start, Math.Min(BlockMessages.MaxPieceBytes, block.Data.Length - start));
                    // A slow writer here is the network or the data agent's full cache (HTTP/2 flow control).
                    // The block's SHA-256 rides on its first piece, for the data agent's proof of its Put Pages.
                    await timer.TimeSendAsync(idle.WriteAsync(responseStream, BlockMessages.Piece(block.Offset + start,
                        piece, start == 0 ? block.BlockSha256 : ReadOnlyMemory<byte>.Empty)));
                }
                bytesSent += block.Data.Length;
            }
        }
        catch (Exception) when (idle.Expired && !context.CancellationToken.IsCancellationRequested)
        {
            metrics.StreamEndedIdle();
            logger.LogWarning("Ended the stream of copy {Copy} after {Bytes} bytes: its client read nothing for "
                + "{Timeout} (MediaAgent:StreamIdleTimeout)", copy.Name, bytesSent, idle.IdleTimeout);
            var ended = new RpcException(new Status(StatusCode.DeadlineExceeded, $"the stream of copy '{copy.Name}' "
                + $"was ended: its client read nothing for {idle.IdleTimeout} (MediaAgent:StreamIdleTimeout)"));
            SpanFailure.Mark(activity, ended);
            throw ended;
        }
        catch (Exception e)
        {
            SpanFailure.Mark(activity, e);
            throw;
        }
        finally
        {
            // The data agent adds these to its own timings, also for a stream that failed.
            timer.Timings.WriteTo(context.ResponseTrailers);
            timer.Tag(activity);
            activity?.SetTag(TelemetryAttributes.StreamBytes, bytesSent);
        }

        logger.LogInformation("Streamed {Bytes} bytes of copy {Copy}: {ReadSeconds:F2} s reading the store, "
            + "{SendSeconds:F2} s waiting on the network", bytesSent, copy.Name, timer.Read.TotalSeconds,
            timer.Send.TotalSeconds);
    }

    /// <summary>The request's ranges as the store reads them; the store checks them against the copy.</summary>
    private static List<ByteRange> ByteRanges(StreamBlocksRequest request)
    {
        if (request.Ranges.Count > CopyLimits.MaxRanges)
            throw new ArgumentException($"the request names {request.Ranges.Count} ranges, more than {CopyLimits.MaxRanges}");
        var ranges = new List<ByteRange>(request.Ranges.Count);
        for (int i = 0; i < request.Ranges.Count; i++)
        {
            var range = request.Ranges[i];
            // Past long.MaxValue no disk reaches; a cast would turn it negative.
            if (range.Offset > long.MaxValue || range.Length > long.MaxValue)
                throw new ArgumentException(
                    $"range {i} (offset {range.Offset}, length {range.Length}) of the request ends beyond any disk");
            ranges.Add(new ByteRange((long)range.Offset, (long)range.Length));
        }
        return ranges;
    }

    /// <summary>
    /// Resets the HTTP/2 stream: the status could not reach a client that reads nothing, because trailers queue
    /// behind the data it does not take. A service called as a method, without ASP.NET Core, has no stream.
    /// </summary>
    private static void Reset(ServerCallContext context)
    {
        try
        {
            context.GetHttpContext().Abort();
        }
        catch (InvalidOperationException)
        {
            // not hosted by ASP.NET Core (a test calling the service as a method): the cancelled write ends it
        }
    }
}
