using System.Runtime.CompilerServices;
using Grpc.Core;
using RestoreAgents.Cli.Agents;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Rendering;

/// <summary>A job's WatchRestore stream as plain progress messages; gRPC failures come out as agent exceptions.</summary>
public static class RestoreJobStream
{
    public static async IAsyncEnumerable<RestoreProgress> ReadAsync(AgentConnection<DataAgent.DataAgentClient> agent,
        string jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        using var call = agent.Client.WatchRestore(new WatchRestoreRequest { JobId = jobId },
            cancellationToken: cancellationToken);
        // Awaiting the headers first makes a failed start surface as its status (grpc-dotnet #2032), not as a
        // cancellation of the stream.
        await Translated(agent, call, async () =>
        {
            await call.ResponseHeadersAsync.ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

        while (await Translated(agent, call, () => call.ResponseStream.MoveNext(cancellationToken), cancellationToken)
                   .ConfigureAwait(false))
            yield return call.ResponseStream.Current;
    }

    private static async Task<bool> Translated(AgentConnection<DataAgent.DataAgentClient> agent,
        AsyncServerStreamingCall<RestoreProgress> call, Func<Task<bool>> step, CancellationToken cancellationToken)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw agent.Endpoint.Translate(e);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && EndStatus(call) is { } status)
        {
            throw agent.Endpoint.Translate(new RpcException(status));
        }
    }

    private static Status? EndStatus(AsyncServerStreamingCall<RestoreProgress> call)
    {
        try
        {
            return call.GetStatus();
        }
        catch (InvalidOperationException)
        {
            return null; // the call has not ended: the cancellation was not a failure of the call
        }
    }
}
