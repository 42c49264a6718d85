using System.Diagnostics;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using RestoreAgents.Hosting.Security;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Store;

namespace RestoreAgents.MediaAgent.Services;

/// <summary>Translates the media agent's gRPC calls into store reads; store errors map to status codes in
/// <see cref="StoreExceptionInterceptor"/>.</summary>
public sealed class MediaAgentService(SecondaryCopyStore store, ILogger<MediaAgentService> logger)
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
        var ranges = request.Ranges.Count == 0
            ? null
            : request.Ranges.Select(r => new ByteRange((long)r.Offset, (long)r.Length)).ToList();

        using var activity = MediaAgentTelemetry.Source.StartActivity("copy.stream");
        activity?.SetTag("restoreagents.copy", copy.Name);
        var timer = new StreamStageTimer();
        long bytesSent = 0;

        await using var blocks = store.ReadBlocksAsync(copy.Name, ranges, context.CancellationToken)
            .GetAsyncEnumerator(context.CancellationToken);
        while (await timer.TimeReadAsync(blocks.MoveNextAsync()))
        {
            var block = blocks.Current;
            for (var start = 0; start < block.Data.Length; start += BlockMessages.MaxPieceBytes)
            {
                var piece = block.Data.Slice(start, Math.Min(BlockMessages.MaxPieceBytes, block.Data.Length - start));
                // A slow writer here is the network or the data agent's full cache (HTTP/2 flow control).
                await timer.TimeSendAsync(responseStream.WriteAsync(BlockMessages.Piece(block.Offset + start, piece),
                    context.CancellationToken));
            }
            bytesSent += block.Data.Length;
            MediaAgentTelemetry.BytesSent.Add(block.Data.Length);
        }

        timer.Tag(activity);
        activity?.SetTag("restoreagents.bytes_sent", bytesSent);
        logger.LogInformation("Streamed {Bytes} bytes of copy {Copy}: {ReadSeconds:F2} s reading the store, "
            + "{SendSeconds:F2} s waiting on the network", bytesSent, copy.Name, timer.Read.TotalSeconds,
            timer.Send.TotalSeconds);
    }
}
