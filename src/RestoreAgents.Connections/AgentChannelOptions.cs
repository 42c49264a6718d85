namespace RestoreAgents.Connections;

/// <summary>
/// How the channels of <see cref="AgentChannels"/> connect, bound from configuration (the data agent's
/// "DataAgent:MediaAgentChannels"). The certificate a channel presents and the CAs it trusts come with the
/// <see cref="RestoreAgents.Security.CertificateSource"/> given to <see cref="AgentChannels"/>.
/// </summary>
public sealed class AgentChannelOptions
{
    /// <summary>How long a TCP (and later TLS) connect may take before the call fails as unreachable.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Quiet time on a connection with calls in flight before a keep-alive ping: a watch or a block stream can wait
    /// minutes on a slow page upload, and pings keep middleboxes from dropping it.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a keep-alive ping may go unanswered before the connection counts as dead.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest message a call may receive, in bytes; null for gRPC's default of 4 MiB.</summary>
    public int? MaxReceiveMessageSize { get; set; }

    /// <summary>
    /// Whether http:// addresses may be dialled (h2c, no TLS): development only. The data agent takes it from its
    /// own Tls:AllowPlaintext; restorectl allows it when the operator writes http:// himself.
    /// </summary>
    public bool AllowPlaintext { get; set; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (ConnectTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"channel setting ConnectTimeout is {ConnectTimeout}; it must be positive");
        if (KeepAlivePingDelay <= TimeSpan.Zero)
            throw new ArgumentException(
                $"channel setting KeepAlivePingDelay is {KeepAlivePingDelay}; it must be positive");
        if (KeepAlivePingTimeout <= TimeSpan.Zero)
            throw new ArgumentException(
                $"channel setting KeepAlivePingTimeout is {KeepAlivePingTimeout}; it must be positive");
        if (MaxReceiveMessageSize is <= 0)
            throw new ArgumentException(
                $"channel setting MaxReceiveMessageSize is {MaxReceiveMessageSize}; it must be positive");
    }
}
