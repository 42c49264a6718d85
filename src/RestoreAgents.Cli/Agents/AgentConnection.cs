using Grpc.Core;
using Grpc.Net.Client;

namespace RestoreAgents.Cli.Agents;

/// <summary>A gRPC client of one agent and the channel under it; failures come out as our agent exceptions.</summary>
public sealed class AgentConnection<TClient> : IDisposable
{
    private readonly GrpcChannel _channel;

    internal AgentConnection(AgentEndpoint endpoint, GrpcChannel channel, TClient client)
    {
        Endpoint = endpoint;
        _channel = channel;
        Client = client;
    }

    public AgentEndpoint Endpoint { get; }

    public TClient Client { get; }

    /// <summary>Runs one unary call, translating an <see cref="RpcException"/> through <see cref="AgentEndpoint.Translate"/>.</summary>
    public async Task<TResponse> CallAsync<TResponse>(Func<TClient, CallOptions, AsyncUnaryCall<TResponse>> call,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            using var pending = call(Client, new CallOptions(cancellationToken: cancellationToken));
            return await pending.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw Endpoint.Translate(e);
        }
    }

    public void Dispose() => _channel.Dispose();
}
