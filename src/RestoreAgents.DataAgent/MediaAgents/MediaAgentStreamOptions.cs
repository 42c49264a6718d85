namespace RestoreAgents.DataAgent.MediaAgents;

/// <summary>
/// How a job's block stream survives a media agent that restarts, a connection that resets, or a peer that goes
/// quiet: bound from "DataAgent:MediaAgentStream". A broken stream is re-opened for the ranges still missing, with
/// exponential back-off and jitter, for as long as <see cref="ReconnectDeadline"/> allows.
/// </summary>
public sealed class MediaAgentStreamOptions
{
    /// <summary>No block for this long while the job waits for one: the stream counts as broken and is re-opened.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a job keeps re-opening a broken stream that brings no byte before it fails.</summary>
    public TimeSpan ReconnectDeadline { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The first wait before re-opening; each failed try waits about twice as long.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>The longest wait between two tries.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (IdleTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"stream setting IdleTimeout is {IdleTimeout}; it must be positive");
        if (ReconnectDeadline < TimeSpan.Zero)
            throw new ArgumentException($"stream setting ReconnectDeadline is {ReconnectDeadline}; it must not be negative");
        if (ReconnectDelay <= TimeSpan.Zero)
            throw new ArgumentException($"stream setting ReconnectDelay is {ReconnectDelay}; it must be positive");
        if (MaxReconnectDelay < ReconnectDelay)
            throw new ArgumentException(
                $"stream setting MaxReconnectDelay ({MaxReconnectDelay}) is shorter than ReconnectDelay ({ReconnectDelay})");
    }
}
