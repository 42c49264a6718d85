namespace RestoreAgents.MediaAgent;

/// <summary>Settings of the media agent, bound from the "MediaAgent" configuration section.</summary>
public sealed class MediaAgentOptions
{
    public const string Section = "MediaAgent";

    /// <summary>Folder of the secondary-copy store this agent serves.</summary>
    public string StorePath { get; set; } = "";

    /// <summary>
    /// How long a StreamBlocks may wait for its client to take the next block (HTTP/2 flow control holds the write
    /// while the client reads nothing) before the stream is ended. A data agent with a full cache and a slow cloud
    /// reads slowly, not never: the default leaves it ten minutes.
    /// </summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Chunks a stream reads, decompresses and checks ahead of sending, in parallel: more keeps more cores busy,
    /// each costs a block of memory per stream.
    /// </summary>
    public int ReadAheadChunks { get; set; } = Store.SecondaryCopyStore.DefaultReadAhead;
}
