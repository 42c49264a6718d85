using Grpc.Core;

namespace RestoreAgents.Cli.Agents;

/// <summary>An agent answered a call with an error status; the message is the agent's own detail.</summary>
public sealed class AgentRequestException(AgentEndpoint endpoint, StatusCode status, string detail,
    Exception? inner = null)
    : Exception($"{endpoint.Role} at {endpoint.Display}: {detail}", inner)
{
    public AgentEndpoint Endpoint { get; } = endpoint;
    public StatusCode Status { get; } = status;
    public string Detail { get; } = detail;
}
