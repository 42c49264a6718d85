using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging.Abstractions;
using RestoreAgents.Connections;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Security;

namespace RestoreAgents.Cli.Agents;

/// <summary>
/// The agent clients restorectl uses, over the channels of <see cref="AgentChannels"/> (HTTP/2 over mutual TLS, a
/// bounded connect time, keep-alive pings, one channel per address) with W3C trace context on every call. The
/// certificate files are read at the first call to an https:// agent, so commands that call none need none.
/// Owns the channels.
/// </summary>
public sealed class AgentClientFactory : IDisposable
{
    public const string DataAgentRole = "data agent";
    public const string MediaAgentRole = "media agent";

    // restorectl dials what the operator wrote: http:// only when he wrote it himself (the default is https).
    private readonly AgentChannelOptions _options = new() { AllowPlaintext = true };
    private readonly Lock _gate = new();
    private CertificateFiles? _certificates;
    private CertificateSource? _source;
    private AgentChannels? _plaintext;
    private AgentChannels? _tls;

    public AgentClientFactory(TimeSpan? connectTimeout = null)
    {
        if (connectTimeout is { } timeout) _options.ConnectTimeout = timeout;
    }

    /// <summary>Where the client certificate, its key and the trusted CAs are (read at the first https:// call).</summary>
    public void UseCertificates(CertificateFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        lock (_gate) _certificates = files;
    }

    public AgentConnection<DataAgent.DataAgentClient> DataAgent(Uri address) =>
        new(new AgentEndpoint(DataAgentRole, address), new DataAgent.DataAgentClient(Invoker(address)));

    public AgentConnection<MediaAgent.MediaAgentClient> MediaAgent(Uri address) =>
        new(new AgentEndpoint(MediaAgentRole, address), new MediaAgent.MediaAgentClient(Invoker(address)));

    public void Dispose()
    {
        _plaintext?.Dispose();
        _tls?.Dispose();
        _source?.Dispose();
    }

    private Grpc.Core.CallInvoker Invoker(Uri address) =>
        Channels(address).For(address).Intercept(new TraceContextInterceptor());

    private AgentChannels Channels(Uri address)
    {
        lock (_gate)
        {
            if (address.Scheme == Uri.UriSchemeHttp)
                return _plaintext ??= new AgentChannels(_options, null);
            return _tls ??= new AgentChannels(_options, _source = LoadCertificates(address));
        }
    }

    private CertificateSource LoadCertificates(Uri address)
    {
        var files = _certificates ?? throw new CliUsageException($"no client certificate to present to {address}");
        try
        {
            // One command, one read: no watching.
            return new CertificateSource(files, NullLogger.Instance, watch: false);
        }
        catch (CertificateLoadException e)
        {
            throw new CliUsageException($"cannot present a client certificate to {address}: {e.Message} (give --cert, "
                + $"--key and --ca, or {ClientCertificateOptions.CertificateVariable}, {ClientCertificateOptions.KeyVariable} "
                + $"and {ClientCertificateOptions.CaVariable}; 'restorectl certs' makes them)", e);
        }
    }
}
