using Grpc.Core.Interceptors;
using RestoreAgents.Connections;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Agents;

/// <summary>
/// The agent clients restorectl uses, over the channels of <see cref="AgentChannels"/> (HTTP/2, a bounded connect
/// time, keep-alive pings, one channel per address) with W3C trace context on every call. Owns the channels.
/// </summary>
public sealed class AgentClientFactory : IDisposable
{
    public const string DataAgentRole = "data agent";
    public const string MediaAgentRole = "media agent";

    private readonly AgentChannels _channels;

    public AgentClientFactory(TimeSpan? connectTimeout = null)
    {
        var options = new AgentChannelOptions();
        if (connectTimeout is { } timeout) options.ConnectTimeout = timeout;
        _channels = new AgentChannels(options);
    }

    public AgentConnection<DataAgent.DataAgentClient> DataAgent(Uri address) =>
        new(new AgentEndpoint(DataAgentRole, address), new DataAgent.DataAgentClient(Invoker(address)));

    public AgentConnection<MediaAgent.MediaAgentClient> MediaAgent(Uri address) =>
        new(new AgentEndpoint(MediaAgentRole, address), new MediaAgent.MediaAgentClient(Invoker(address)));

    public void Dispose() => _channels.Dispose();

    private Grpc.Core.CallInvoker Invoker(Uri address) =>
        _channels.For(address).Intercept(new TraceContextInterceptor());
}
