using Grpc.Net.Client;

namespace RestoreAgents.Connections;

/// <summary>
/// The gRPC channels to agents: one per address, made at first use and kept, so that calls and jobs share its
/// HTTP/2 connections instead of connecting anew. Every channel is set up here alike, and disposed with this.
/// </summary>
/// <remarks>
/// Calls cancelled through their token or past their deadline throw <see cref="OperationCanceledException"/>
/// (not an <see cref="Grpc.Core.RpcException"/> with Cancelled), so a caller tells its own cancellation apart.
/// </remarks>
public sealed class AgentChannels : IDisposable
{
    private readonly AgentChannelOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<Uri, GrpcChannel> _channels = [];
    private bool _disposed;

    /// <exception cref="ArgumentException">A setting cannot work.</exception>
    public AgentChannels(AgentChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>The channel to <paramref name="address"/>: the same one each time for the same address.</summary>
    /// <exception cref="ObjectDisposedException">The channels were disposed.</exception>
    public GrpcChannel For(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_channels.TryGetValue(address, out var channel))
                _channels[address] = channel = Create(address);
            return channel;
        }
    }

    /// <summary>Disposes every channel (and its connections); calls still in flight on them fail.</summary>
    public void Dispose()
    {
        List<GrpcChannel> channels;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            channels = [.. _channels.Values];
            _channels.Clear();
        }
        foreach (var channel in channels)
            channel.Dispose();
    }

    private GrpcChannel Create(Uri address)
    {
        var options = new GrpcChannelOptions
        {
            HttpHandler = CreateHandler(),
            DisposeHttpClient = true,
            ThrowOperationCanceledOnCancellation = true,
        };
        // Null on GrpcChannelOptions means no limit at all; unset here means gRPC's default.
        if (_options.MaxReceiveMessageSize is { } largest)
            options.MaxReceiveMessageSize = largest;
        return GrpcChannel.ForAddress(address, options);
    }

    /// <summary>The one HTTP set-up of every agent connection: where TLS client certificates and CA checks go.</summary>
    private SocketsHttpHandler CreateHandler() => new()
    {
        ConnectTimeout = _options.ConnectTimeout,
        KeepAlivePingDelay = _options.KeepAlivePingDelay,
        KeepAlivePingTimeout = _options.KeepAlivePingTimeout,
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        // Several jobs stream from one media agent at once: past one connection's stream limit, open another.
        EnableMultipleHttp2Connections = true,
    };
}
