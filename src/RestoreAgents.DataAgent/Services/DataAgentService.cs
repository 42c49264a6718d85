using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using RestoreAgents.Hosting.Security;
using RestoreAgents.DataAgent.Jobs;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.Services;

/// <summary>Translates controller calls into job registry calls; errors map in <see cref="RestoreExceptionInterceptor"/>.</summary>
internal sealed class DataAgentService(RestoreJobRegistry jobs, TimeProvider time) : Protocol.V1.DataAgent.DataAgentBase
{
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(250);

    [Authorize(Policy = AccessPolicies.RestoresOperate)]
    public override async Task<StartRestoreResponse> StartRestore(StartRestoreRequest request, ServerCallContext context)
    {
        var startedBy = CallerClaims.IdentityOf(context.GetHttpContext().User);
        var job = await jobs.StartAsync(request, startedBy, context.CancellationToken);
        return new StartRestoreResponse { JobId = job.Id };
    }

    [Authorize(Policy = AccessPolicies.RestoresView)]
    public override async Task WatchRestore(WatchRestoreRequest request, IServerStreamWriter<RestoreProgress> responseStream,
        ServerCallContext context)
    {
        var job = jobs.Get(request.JobId);
        RestoreProgress? last = null;
        while (true)
        {
            var finished = job.IsFinished;
            var progress = job.Snapshot();
            if (!progress.Equals(last))
            {
                await responseStream.WriteAsync(progress, context.CancellationToken);
                last = progress;
            }
            if (finished) return;
            await Task.WhenAny(job.Finished, Task.Delay(WatchInterval, time, context.CancellationToken));
            context.CancellationToken.ThrowIfCancellationRequested();
        }
    }

    [Authorize(Policy = AccessPolicies.RestoresOperate)]
    public override Task<CancelRestoreResponse> CancelRestore(CancelRestoreRequest request, ServerCallContext context)
    {
        var job = jobs.Get(request.JobId);
        job.Cancel();
        return Task.FromResult(new CancelRestoreResponse { State = job.State });
    }

    [Authorize(Policy = AccessPolicies.RestoresOperate)]
    public override async Task<ResumeRestoreResponse> ResumeRestore(ResumeRestoreRequest request,
        ServerCallContext context)
    {
        var job = await jobs.ResumeAsync(request.JobId, request.SasUrl, context.CancellationToken);
        return new ResumeRestoreResponse { State = job.State };
    }

    [Authorize(Policy = AccessPolicies.RestoresOperate)]
    public override Task<DiscardRestoreResponse> DiscardRestore(DiscardRestoreRequest request,
        ServerCallContext context)
    {
        jobs.Discard(request.JobId);
        return Task.FromResult(new DiscardRestoreResponse { State = RestoreState.Cancelled });
    }

    [Authorize(Policy = AccessPolicies.RestoresView)]
    public override Task<ListRestoresResponse> ListRestores(ListRestoresRequest request, ServerCallContext context)
    {
        var response = new ListRestoresResponse();
        response.Jobs.AddRange(jobs.List().Select(j => j.Snapshot()));
        return Task.FromResult(response);
    }
}
