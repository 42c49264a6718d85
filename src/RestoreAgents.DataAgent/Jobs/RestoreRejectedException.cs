using Grpc.Core;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>A restore the data agent refuses before starting it; the status code tells the controller why.</summary>
public sealed class RestoreRejectedException(StatusCode status, string message) : Exception(message)
{
    public StatusCode Status { get; } = status;
}
