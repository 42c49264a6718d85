namespace RestoreAgents.Cli.Agents;

/// <summary>restorectl could not talk to an agent at all: nothing listens there, the name does not resolve, ...</summary>
public sealed class AgentUnreachableException(AgentEndpoint endpoint, string reason, Exception? inner = null)
    : Exception($"cannot reach the {endpoint.Role} at {endpoint.Display}: {reason}", inner)
{
    public AgentEndpoint Endpoint { get; } = endpoint;
    public string Reason { get; } = reason;
}
