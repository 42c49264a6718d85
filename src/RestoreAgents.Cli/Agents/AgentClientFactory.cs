using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Agents;

/// <summary>Creates the gRPC channels restorectl uses: HTTP/2, a bounded connect time, W3C trace context.</summary>
public sealed class AgentClientFactory(TimeSpan? connectTimeout = null)
{
    public const string DataAgentRole = "data agent";
    public const string MediaAgentRole = "media agent";

    private readonly TimeSpan _connectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10);

    public AgentConnection<DataAgent.DataAgentClient> DataAgent(Uri address)
    {
        var endpoint = new AgentEndpoint(DataAgentRole, address);
        var channel = CreateChannel(address);
        return new AgentConnection<DataAgent.DataAgentClient>(endpoint, channel,
            new DataAgent.DataAgentClient(channel.Intercept(new TraceContextInterceptor())));
    }

    public AgentConnection<MediaAgent.MediaAgentClient> MediaAgent(Uri address)
    {
        var endpoint = new AgentEndpoint(MediaAgentRole, address);
        var channel = CreateChannel(address);
        return new AgentConnection<MediaAgent.MediaAgentClient>(endpoint, channel,
            new MediaAgent.MediaAgentClient(channel.Intercept(new TraceContextInterceptor())));
    }

    private GrpcChannel CreateChannel(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = _connectTimeout,
                // A watch can sit quiet for minutes while a page uploads; pings keep middleboxes from dropping it.
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                EnableMultipleHttp2Connections = true,
            },
            DisposeHttpClient = true,
            ThrowOperationCanceledOnCancellation = true,
        });
    }
}
