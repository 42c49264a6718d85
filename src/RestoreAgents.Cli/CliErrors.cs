using RestoreAgents.Cli.Agents;
using RestoreAgents.Cloud;

namespace RestoreAgents.Cli;

/// <summary>Turns any failure into an exit code and one line for stderr; stack traces never reach the operator.</summary>
public static class CliErrors
{
    public static (int ExitCode, string Message) Describe(Exception failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure switch
        {
            CliUsageException => (ExitCodes.Usage, failure.Message),
            CliTargetException => (ExitCodes.TargetNotReady, failure.Message),
            // The agent checked the request before any job existed: the same mistake gives the same code as when
            // restorectl finds it itself.
            AgentRequestException { Status: Grpc.Core.StatusCode.InvalidArgument } => (ExitCodes.Usage, failure.Message),
            AgentRequestException { Status: Grpc.Core.StatusCode.AlreadyExists or Grpc.Core.StatusCode.FailedPrecondition }
                => (ExitCodes.TargetNotReady, failure.Message),
            CloudDestinationException { Failure: CloudFailure.ContainerNotFound or CloudFailure.BlobAlreadyExists }
                => (ExitCodes.TargetNotReady, failure.Message),
            AgentUnreachableException => (ExitCodes.AgentUnreachable, failure.Message),
            // The agent itself was reached but could not reach the next hop: still "cannot reach an agent".
            AgentRequestException { Status: Grpc.Core.StatusCode.Unavailable } => (ExitCodes.AgentUnreachable, failure.Message),
            OperationCanceledException when cancellationToken.IsCancellationRequested =>
                (ExitCodes.Interrupted, "interrupted"),
            _ => (ExitCodes.OtherError, failure.Message),
        };
    }

    /// <summary>Writes "error: MESSAGE" as a single line, folding any line breaks the message carries.</summary>
    public static void Write(TextWriter error, string message)
    {
        ArgumentNullException.ThrowIfNull(error);
        var oneLine = string.Join(' ', (message ?? "").Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Trim()));
        error.WriteLine($"error: {oneLine}");
    }
}
