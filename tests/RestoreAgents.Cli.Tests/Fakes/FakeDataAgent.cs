using System.Collections.Concurrent;
using Grpc.Core;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Tests.Fakes;

/// <summary>A data agent that answers from a script: canned progress, canned jobs, canned failures. Records calls.</summary>
public sealed class FakeDataAgent : DataAgent.DataAgentBase
{
    public const string JobId = "r-0123456789ab";

    public ConcurrentQueue<StartRestoreRequest> StartRequests { get; } = new();
    public ConcurrentQueue<(string Method, Metadata Headers)> Calls { get; } = new();
    public ConcurrentQueue<string> CancelledJobs { get; } = new();

    /// <summary>When set, StartRestore fails with it.</summary>
    public RpcException? StartFailure { get; set; }

    /// <summary>What WatchRestore streams for <see cref="JobId"/>, in order.</summary>
    public List<RestoreProgress> Progress { get; } = [];

    /// <summary>When true, WatchRestore sends its progress and then waits for the caller to go away.</summary>
    public bool WatchNeverEnds { get; set; }

    public TaskCompletionSource WatchStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<RestoreProgress> Jobs { get; } = [];

    public RestoreState StateAfterCancel { get; set; } = RestoreState.Cancelled;

    public override Task<StartRestoreResponse> StartRestore(StartRestoreRequest request, ServerCallContext context)
    {
        Record(context);
        StartRequests.Enqueue(request);
        if (StartFailure is not null) throw StartFailure;
        return Task.FromResult(new StartRestoreResponse { JobId = JobId });
    }

    public override async Task WatchRestore(WatchRestoreRequest request, IServerStreamWriter<RestoreProgress> responseStream,
        ServerCallContext context)
    {
        Record(context);
        if (request.JobId != JobId)
            throw new RpcException(new Status(StatusCode.NotFound, $"no restore job '{request.JobId}'"));
        WatchStarted.TrySetResult();
        foreach (var progress in Progress)
            await responseStream.WriteAsync(progress, context.CancellationToken);
        if (WatchNeverEnds)
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
    }

    public override Task<CancelRestoreResponse> CancelRestore(CancelRestoreRequest request, ServerCallContext context)
    {
        Record(context);
        if (request.JobId != JobId)
            throw new RpcException(new Status(StatusCode.NotFound, $"no restore job '{request.JobId}'"));
        CancelledJobs.Enqueue(request.JobId);
        return Task.FromResult(new CancelRestoreResponse { State = StateAfterCancel });
    }

    public override Task<ListRestoresResponse> ListRestores(ListRestoresRequest request, ServerCallContext context)
    {
        Record(context);
        var response = new ListRestoresResponse();
        response.Jobs.AddRange(Jobs);
        return Task.FromResult(response);
    }

    private void Record(ServerCallContext context) => Calls.Enqueue((context.Method, context.RequestHeaders));
}
