using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.MediaAgents;

/// <summary>What a job sees of its <see cref="ResumingBlockStream"/>: each connection, the media agent's timings,
/// each re-opening.</summary>
internal interface IBlockStreamWatcher
{
    /// <summary>Runs one connection of the stream: the first, or a re-opening for what is missing when
    /// <paramref name="resumed"/>.</summary>
    /// <returns>What <paramref name="connect"/> returns: the bytes this connection brought.</returns>
    Task<long> ConnectionAsync(bool resumed, Func<Task<long>> connect);

    /// <summary>The media agent's own timings of one connection, when it sent them.</summary>
    void MediaTimings(StreamBlocksTimings timings);

    /// <summary>Told before each re-opening, with why the stream broke.</summary>
    void Reconnecting(MediaAgentStreamException why);
}
