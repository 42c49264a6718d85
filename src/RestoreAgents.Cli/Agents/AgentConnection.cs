using Grpc.Core;

namespace RestoreAgents.Cli.Agents;

/// <summary>
/// A gRPC client of one agent; failures come out as our agent exceptions. The channel under it belongs to the
/// <see cref="AgentClientFactory"/>.
/// </summary>
public sealed class AgentConnection<TClient>
{
    internal AgentConnection(AgentEndpoint endpoint, TClient client)
    {
        Endpoint = endpoint;
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
}
