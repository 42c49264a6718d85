using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using RestoreAgents.Security;

namespace RestoreAgents.Connections;

/// <summary>
/// The gRPC channels to agents: one per address, made at first use and kept, so that calls and jobs share its
/// HTTP/2 connections instead of connecting anew. Every channel is set up here alike, and disposed with this:
/// https:// with the client certificate of the given <see cref="CertificateSource"/> (the one in force when a
/// connection opens), the agent's certificate checked against that source's CAs only and against the host dialled.
/// </summary>
/// <remarks>
/// Calls cancelled through their token or past their deadline throw <see cref="OperationCanceledException"/>
/// (not an <see cref="Grpc.Core.RpcException"/> with Cancelled), so a caller tells its own cancellation apart.
/// A refused agent certificate fails the call (as Internal, gRPC's status for an HttpRequestException it does not
/// know) with a <see cref="PeerCertificateRejectedException"/> naming the certificate and why among the causes of
/// its debug exception: callers report it as an agent they cannot reach.
/// </remarks>
public sealed class AgentChannels : IDisposable
{
    private readonly AgentChannelOptions _options;
    private readonly CertificateSource? _certificates;
    private readonly PeerCertificateValidator _validator;
    private readonly Lock _gate = new();
    private readonly Dictionary<Uri, GrpcChannel> _channels = [];
    private bool _disposed;

    /// <param name="certificates">What to present and whom to trust; null for http:// addresses only.</param>
    /// <exception cref="ArgumentException">A setting cannot work.</exception>
    public AgentChannels(AgentChannelOptions options, CertificateSource? certificates, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _certificates = certificates;
        _validator = new PeerCertificateValidator(time ?? TimeProvider.System);
    }

    /// <summary>True when http:// addresses may be dialled.</summary>
    public bool AllowsPlaintext => _options.AllowPlaintext;

    /// <summary>The channel to <paramref name="address"/>: the same one each time for the same address.</summary>
    /// <exception cref="ArgumentException">The address is http:// and plaintext is not allowed, or https:// without certificates.</exception>
    /// <exception cref="ObjectDisposedException">The channels were disposed.</exception>
    public GrpcChannel For(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme == Uri.UriSchemeHttp && !_options.AllowPlaintext)
            throw new ArgumentException($"{address} is plaintext (http://): agents are dialled over https://");
        if (address.Scheme == Uri.UriSchemeHttps && _certificates is null)
            throw new ArgumentException($"{address} is https:// and no client certificate is configured");
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

    /// <summary>The one HTTP set-up of every agent connection.</summary>
    private SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = _options.ConnectTimeout,
            KeepAlivePingDelay = _options.KeepAlivePingDelay,
            KeepAlivePingTimeout = _options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            // Several jobs stream from one media agent at once: past one connection's stream limit, open another.
            EnableMultipleHttp2Connections = true,
        };
        if (_certificates is { } certificates)
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                // Asked per connection, so a renewed certificate goes out from the next connection on.
                LocalCertificateSelectionCallback = (_, _, _, _, _) => certificates.Current.Certificate,
                RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                    CheckAgent(sender as SslStream, certificate, chain, errors, certificates.Current),
            };
        return handler;
    }

    /// <exception cref="PeerCertificateRejectedException">Why the agent's certificate is refused.</exception>
    private bool CheckAgent(SslStream? stream, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors,
        TlsMaterial material)
    {
        var host = stream?.TargetHostName ?? "the host dialled";
        if (certificate is null)
            throw new PeerCertificateRejectedException($"it presented no certificate at {host}");
        var peer = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            throw new PeerCertificateRejectedException($"its certificate '{PeerIdentity.Of(peer)}' does not name {host} "
                + $"(its names: {string.Join(", ", Names(peer))})");
        var presented = chain is null
            ? []
            : chain.ChainPolicy.ExtraStore.Concat(chain.ChainElements.Select(e => e.Certificate)).ToList();
        var problem = _validator.Problem(peer, presented, material.TrustedRoots,
            PeerCertificateValidator.ServerAuthentication);
        return problem is null ? true : throw new PeerCertificateRejectedException($"its {problem}");
    }

    private static IEnumerable<string> Names(X509Certificate2 certificate)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().ToList();
        var all = names.SelectMany(n => n.EnumerateDnsNames())
            .Concat(names.SelectMany(n => n.EnumerateIPAddresses()).Select(a => a.ToString())).ToList();
        return all.Count > 0 ? all : ["none"];
    }
}
