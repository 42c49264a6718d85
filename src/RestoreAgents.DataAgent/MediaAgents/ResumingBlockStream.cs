using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.MediaAgents;

/// <summary>
/// A copy's block stream that outlives its connections: when the stream breaks on the way (the media agent
/// restarts, the connection resets, no block comes for the idle timeout), it is re-opened after a back-off with
/// jitter for the ranges still missing (<see cref="ReceivedRanges"/>), for as long as
/// <see cref="MediaAgentStreamOptions.ReconnectDeadline"/> allows without a byte arriving. A byte is handed to the
/// disk once only: a block overlapping what arrived before ends the job, as a media agent never sends one.
/// </summary>
internal sealed class ResumingBlockStream(
    MediaAgentClient media,
    CopyDescription copy,
    MediaAgentStreamOptions options,
    TimeProvider time,
    ILogger logger)
{
    public ReceivedRanges Received { get; } = new(copy.DiskSize);

    /// <param name="write">Takes each new block; the block's bytes count as arrived once it returns.</param>
    /// <param name="watcher">Runs each connection, and is told the media agent's timings and each re-opening.</param>
    /// <returns>The bytes received over every connection: each byte once.</returns>
    /// <exception cref="MediaAgentStreamException">A block was wrong, the media agent refused, or the stream stayed
    /// broken past the deadline.</exception>
    public async Task<long> StreamAsync(Func<Block, CancellationToken, ValueTask> write,
        IBlockStreamWatcher watcher, CancellationToken cancellationToken)
    {
        var tries = 0;
        long? brokenSince = null;
        while (true)
        {
            var before = Received.Bytes;
            var ranges = tries == 0 && Received.IsEmpty ? null : Received.Missing();
            try
            {
                await watcher.ConnectionAsync(resumed: ranges is not null, () => media.StreamAsync(copy, ranges,
                    (block, ct) => WriteOnceAsync(block, write, ct), options.IdleTimeout, watcher.MediaTimings,
                    cancellationToken));
                return Received.Bytes;
            }
            catch (MediaAgentStreamException e) when (e.Resumable && !cancellationToken.IsCancellationRequested)
            {
                if (Received.Bytes > before)
                {
                    // The stream brought bytes: the deadline counts from this break.
                    (tries, brokenSince) = (0, null);
                }
                brokenSince ??= time.GetTimestamp();
                var broken = time.GetElapsedTime(brokenSince.Value);
                if (broken >= options.ReconnectDeadline)
                    throw new MediaAgentStreamException($"{e.Message}; re-opening it brought nothing for {broken:g}, "
                        + $"past DataAgent:MediaAgentStream:ReconnectDeadline ({options.ReconnectDeadline})", e);
                var delay = BackOff(++tries);
                logger.LogWarning("The stream of copy {Copy} broke with {Received} of {Allocated} bytes received "
                    + "({Error}); re-opening it for the rest in {Delay:F1} s", copy.Name, Received.Bytes,
                    copy.AllocatedBytes, e.Message, delay.TotalSeconds);
                await Task.Delay(delay, time, cancellationToken);
                watcher.Reconnecting(e);
            }
        }
    }

    private ValueTask WriteOnceAsync(Block block, Func<Block, CancellationToken, ValueTask> write,
        CancellationToken cancellationToken)
    {
        var length = block.Data.Length;
        if (Received.Overlaps(block.Offset, length))
            throw new MediaAgentStreamException(
                $"{media.Agent} sent a block of copy '{copy.Name}' at offset {block.Offset} "
                + $"({length} bytes) that had arrived before: a re-opened stream asks only for what is missing");
        return WriteAndRecordAsync(block, write, cancellationToken);
    }

    private async ValueTask WriteAndRecordAsync(Block block, Func<Block, CancellationToken, ValueTask> write,
        CancellationToken cancellationToken)
    {
        await write(block, cancellationToken);
        Received.Add(block.Offset, block.Data.Length);
    }

    /// <summary>ReconnectDelay doubled per try up to MaxReconnectDelay, ±20 % so that jobs broken together spread out.</summary>
    private TimeSpan BackOff(int tries)
    {
        var delay = options.ReconnectDelay.TotalSeconds * Math.Pow(2, Math.Min(tries - 1, 30));
        var capped = Math.Min(delay, options.MaxReconnectDelay.TotalSeconds);
        return TimeSpan.FromSeconds(capped * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }
}
