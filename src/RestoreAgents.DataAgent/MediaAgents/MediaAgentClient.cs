using System.IO.Hashing;
using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Net.Client;
using RestoreAgents.Protocol.V1;

using RestoreAgents.DataAgent.Jobs;

namespace RestoreAgents.DataAgent.MediaAgents;

/// <summary>
/// The data agent's side of the media agent protocol: describes a copy and streams its blocks, checking every
/// block's checksum and order, and turns transport failures into errors that name the media agent.
/// </summary>
internal sealed class MediaAgentClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly Protocol.V1.MediaAgent.MediaAgentClient _client;

    public MediaAgentClient(Uri address)
    {
        Address = address;
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(15),
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            },
            MaxReceiveMessageSize = 1024 * 1024,
        });
        _client = new Protocol.V1.MediaAgent.MediaAgentClient(_channel);
    }

    public Uri Address { get; }

    public async Task<CopyDescription> DescribeAsync(string copyName, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        try
        {
            return await _client.DescribeCopyAsync(new DescribeCopyRequest { CopyName = copyName },
                deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw e.StatusCode switch
            {
                StatusCode.NotFound => new RestoreRejectedException(StatusCode.NotFound,
                    $"copy '{copyName}' is not in the store of the media agent at {Address}"),
                StatusCode.Unavailable or StatusCode.DeadlineExceeded => new RestoreRejectedException(
                    StatusCode.Unavailable, $"cannot reach the media agent at {Address}: {Describe(e)}"),
                _ => new RestoreRejectedException(e.StatusCode,
                    $"the media agent at {Address} could not describe copy '{copyName}': {Describe(e)}"),
            };
        }
    }

    /// <summary>Streams the copy's blocks, verified; ends with <see cref="MediaAgentStreamException"/> on failure.</summary>
    public async IAsyncEnumerable<Block> StreamAsync(CopyDescription copy,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var call = _client.StreamBlocks(new StreamBlocksRequest { CopyName = copy.Name },
            cancellationToken: cancellationToken);
        var reader = call.ResponseStream;
        ulong nextAllowed = 0;
        while (true)
        {
            try
            {
                if (!await reader.MoveNext(cancellationToken)) yield break;
            }
            catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
            {
                throw new MediaAgentStreamException(
                    $"the stream of copy '{copy.Name}' from the media agent at {Address} failed after offset "
                    + $"{nextAllowed}: {Describe(e)}", e);
            }

            var block = reader.Current;
            var data = block.Data.Span;
            if (block.Offset < nextAllowed || block.Offset + (ulong)data.Length > copy.DiskSize)
                throw new MediaAgentStreamException(
                    $"the media agent at {Address} sent a block of copy '{copy.Name}' at offset {block.Offset} "
                    + $"({data.Length} bytes) out of order or beyond the disk's {copy.DiskSize} bytes");
            if (XxHash3.HashToUInt64(data) != block.Xxhash3)
                throw new MediaAgentStreamException(
                    $"the block of copy '{copy.Name}' at offset {block.Offset} ({data.Length} bytes) from the "
                    + $"media agent at {Address} failed its checksum: corrupted in transit");
            nextAllowed = block.Offset + (ulong)data.Length;
            yield return block;
        }
    }

    private static string Describe(RpcException e) =>
        string.IsNullOrEmpty(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail;

    public void Dispose() => _channel.Dispose();
}
