using System.IO.Hashing;
using Grpc.Core;
using RestoreAgents.Connections;
using RestoreAgents.DataAgent.Jobs;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Security;

namespace RestoreAgents.DataAgent.MediaAgents;

/// <summary>
/// The data agent's side of the media agent protocol: describes a copy and streams its blocks, checking every
/// block's checksum and order, and turns transport failures into errors that name the configured media agent. It
/// rides on the shared channel to its address, so it is cheap to make per call.
/// </summary>
/// <remarks>
/// Errors for callers and jobs name the media agent as configured, never its address or what answered there
/// ("media agent 'backup-1' is unreachable"); the cause, with the address, goes to the data agent's log.
/// </remarks>
internal sealed class MediaAgentClient(AgentChannels channels, ConfiguredMediaAgent agent, TimeProvider time,
    ILogger logger)
{
    private readonly Protocol.V1.MediaAgent.MediaAgentClient _client = new(channels.For(agent.Url));

    public ConfiguredMediaAgent Agent { get; } = agent;

    public async Task<CopyDescription> DescribeAsync(string copyName, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        try
        {
            return await _client.DescribeCopyAsync(new DescribeCopyRequest { CopyName = copyName },
                deadline: time.GetUtcNow().UtcDateTime + timeout, cancellationToken: cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The channel reports a passed deadline as a cancellation; the caller did not cancel.
            throw Unreachable($"no answer within {timeout}", "timed out");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            throw new RestoreRejectedException(StatusCode.NotFound,
                $"copy '{copyName}' is not in the store of {Agent}");
        }
        catch (RpcException e)
        {
            // Whatever went wrong (no answer, a refused certificate, another server), the caller learns only that
            // the configured media agent cannot be used; Unreachable logs the cause.
            throw Unreachable($"{e.StatusCode}: {Describe(e)}", e.StatusCode == StatusCode.DeadlineExceeded
                ? "timed out"
                : NetworkProblem.Of(e.Status.DebugException));
        }
    }

    /// <summary>
    /// Streams the copy's blocks (all of them, or those in <paramref name="ranges"/>), verified, into
    /// <paramref name="write"/>, one at a time: the next block is read only when the last one is written, so a slow
    /// cache slows the media agent through gRPC flow control. Waiting for a block longer than
    /// <paramref name="idleTimeout"/> breaks the stream.
    /// </summary>
    /// <param name="mediaTimings">Told the media agent's own timings of the stream when it ends, also when it
    /// fails, if the media agent sent them.</param>
    /// <returns>The bytes received.</returns>
    /// <exception cref="MediaAgentStreamException">The stream broke (<see cref="MediaAgentStreamException.Resumable"/>
    /// when on the way) or sent a block a media agent never sends.</exception>
    public async Task<long> StreamAsync(CopyDescription copy, IReadOnlyList<Extent>? ranges,
        Func<Block, CancellationToken, ValueTask> write, TimeSpan idleTimeout, Action<StreamBlocksTimings> mediaTimings,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mediaTimings);
        var request = new StreamBlocksRequest { CopyName = copy.Name };
        if (ranges is not null) request.Ranges.AddRange(ranges);
        using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        using var call = _client.StreamBlocks(request, cancellationToken: reading.Token);
        ulong nextAllowed = 0;
        long received = 0;
        try
        {
            // The idle clock runs only while the job waits for a block, not while it writes one.
            idle.CancelAfter(idleTimeout);
            await foreach (var block in call.ResponseStream.ReadAllAsync(reading.Token))
            {
                idle.CancelAfter(Timeout.InfiniteTimeSpan);
                Check(copy, block, nextAllowed);
                await write(block, cancellationToken);
                nextAllowed = block.Offset + (ulong)block.Data.Length;
                received += block.Data.Length;
                idle.CancelAfter(idleTimeout);
            }
            if (StreamBlocksTimings.ReadFrom(call.GetTrailers()) is { } timings) mediaTimings(timings);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Not the caller's cancel: the idle clock, or the client giving up on a connection that died under it.
            throw new MediaAgentStreamException(idle.IsCancellationRequested
                ? $"the stream of copy '{copy.Name}' from {Agent} brought no block for {idleTimeout} after offset "
                  + $"{nextAllowed}"
                : $"the stream of copy '{copy.Name}' from {Agent} was aborted after offset {nextAllowed}", e,
                resumable: true);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.DataLoss)
        {
            // The media agent's own finding (a chunk that fails its hash), naming the copy and the offset.
            if (StreamBlocksTimings.ReadFrom(e.Trailers) is { } timings) mediaTimings(timings);
            throw new MediaAgentStreamException(
                $"the stream of copy '{copy.Name}' from {Agent} failed after offset {nextAllowed}: {Describe(e)}", e);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            if (StreamBlocksTimings.ReadFrom(e.Trailers) is { } timings) mediaTimings(timings);
            logger.LogWarning("The stream of copy {Copy} from {Agent} at {Url} broke after offset {Offset}: {Code} {Detail}",
                copy.Name, Agent, Agent.Url, nextAllowed, e.StatusCode, Describe(e));
            throw new MediaAgentStreamException(
                $"the stream of copy '{copy.Name}' from {Agent} broke after offset {nextAllowed} ({e.StatusCode}; "
                + "the data agent's log says why)", resumable: BrokeOnTheWay(e.StatusCode));
        }
        return received;
    }

    /// <summary>
    /// Statuses of a stream that broke on the way (the agent stopped or restarted, the connection reset or died)
    /// rather than one the media agent ended on purpose (DataLoss, NotFound, InvalidArgument, PermissionDenied, …).
    /// </summary>
    private static bool BrokeOnTheWay(StatusCode status) => status is StatusCode.Unavailable or StatusCode.Internal
        or StatusCode.Cancelled or StatusCode.DeadlineExceeded or StatusCode.Aborted or StatusCode.ResourceExhausted;

    private void Check(CopyDescription copy, Block block, ulong nextAllowed)
    {
        var data = block.Data.Span;
        // Offset and length compared against the disk apart: their sum could wrap past ulong.MaxValue.
        if (block.Offset < nextAllowed || (ulong)data.Length > copy.DiskSize
            || block.Offset > copy.DiskSize - (ulong)data.Length)
            throw new MediaAgentStreamException(
                $"{Agent} sent a block of copy '{copy.Name}' at offset {block.Offset} "
                + $"({data.Length} bytes) out of order or beyond the disk's {copy.DiskSize} bytes");
        if (XxHash3.HashToUInt64(data) != block.Xxhash3)
            throw new MediaAgentStreamException(
                $"the block of copy '{copy.Name}' at offset {block.Offset} ({data.Length} bytes) from "
                + $"{Agent} failed its checksum: corrupted in transit");
    }

    /// <summary>
    /// Whatever answered (nothing, another server, a proxy), the caller learns only that the configured media agent
    /// cannot be used; the operator reads the cause in the log.
    /// </summary>
    /// <param name="network">The network's own reason (refused, unknown host, timed out), which tells nothing of what
    /// answered; null when something did answer.</param>
    private RestoreRejectedException Unreachable(string why, string? network)
    {
        logger.LogWarning("{Agent} at {Url} cannot be used: {Why}", Agent, Agent.Url, why);
        return new(StatusCode.Unavailable, network is null
            ? $"{Agent} is unreachable (the data agent's log says why)"
            : $"{Agent} is unreachable: {network} (the data agent's log says more)");
    }

    private static string Describe(RpcException e) =>
        PeerCertificateRejectedException.FindIn(e.Status.DebugException)?.Message
        ?? (string.IsNullOrEmpty(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail);
}
