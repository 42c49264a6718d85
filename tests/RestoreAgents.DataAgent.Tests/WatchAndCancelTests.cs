using Grpc.Core;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>
/// WatchRestore streams a job's progress and ends with the job; CancelRestore ends a job; an unknown job is
/// NotFound. The jobs run against a real media agent and cloud endpoints that refuse or never answer.
/// </summary>
public sealed class WatchAndCancelTests(MediaAgentOnLoopback media) : IClassFixture<MediaAgentOnLoopback>, IAsyncLifetime
{
    private readonly DataAgentUnderTest _agent = new(media.Pki, media.Url);

    [Fact]
    public async Task WatchRestore_StreamsProgressUntilTheJobFails_AndEndsWithTheError()
    {
        var job = await _agent.StartRestoreAsync(Request());

        var watch = _agent.WatchRestore(job.JobId);
        await watch.Call;
        var progress = await watch.Stream.ReadAllAsync();

        Assert.NotEmpty(progress);
        Assert.All(progress, p => Assert.Equal(job.JobId, p.JobId));
        var last = progress[^1];
        Assert.Equal(RestoreState.Failed, last.State);
        Assert.Contains("vm01.vhd", last.Error);
        Assert.NotNull(last.Finished);
        Assert.All(progress[..^1], p => Assert.Contains(p.State, new[] { RestoreState.Queued, RestoreState.Running }));
        Assert.All(progress.Zip(progress.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    [Fact]
    public async Task WatchRestore_OfAFinishedJob_SendsItsLastStateOnce()
    {
        var job = await _agent.StartRestoreAsync(Request());
        await _agent.WatchRestore(job.JobId).Call;

        var again = _agent.WatchRestore(job.JobId);
        await again.Call;

        var progress = Assert.Single(await again.Stream.ReadAllAsync());
        Assert.Equal(RestoreState.Failed, progress.State);
    }

    [Fact]
    public async Task CancelRestore_EndsARunningJob_AndItsWatchEndsWithCancelled()
    {
        await using var silent = new SilentEndpoint();
        await using var agent = new DataAgentUnderTest(media.Pki, media.Url, silent.Port);
        var job = await agent.StartRestoreAsync(Request());
        var watch = agent.WatchRestore(job.JobId);
        var first = await watch.Stream.Written.ReadAsync();
        Assert.Contains(first.State, new[] { RestoreState.Queued, RestoreState.Running });
        Assert.False(watch.Call.IsCompleted, "the watch ended while the job waits on the cloud");

        await agent.CancelRestoreAsync(job.JobId);
        await watch.Call;

        var last = (await watch.Stream.ReadAllAsync()).LastOrDefault() ?? first;
        Assert.Equal(RestoreState.Cancelled, last.State);
        Assert.Equal(RestoreState.Cancelled, Assert.Single((await agent.ListRestoresAsync()).Jobs).State);
    }

    [Fact]
    public async Task WatchRestore_StopsWhenTheWatcherGoesAway_AndTheJobRunsOn()
    {
        await using var silent = new SilentEndpoint();
        await using var agent = new DataAgentUnderTest(media.Pki, media.Url, silent.Port);
        var job = await agent.StartRestoreAsync(Request());
        using var watcher = new CancellationTokenSource();
        var watch = agent.WatchRestore(job.JobId, watcher.Token);
        await watch.Stream.Written.ReadAsync();

        await watcher.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch.Call);
        var state = Assert.Single((await agent.ListRestoresAsync()).Jobs).State;
        Assert.Contains(state, new[] { RestoreState.Queued, RestoreState.Running });
    }

    [Fact]
    public async Task CancelRestore_OfAnUnknownJob_IsNotFound_NamingIt()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _agent.CancelRestoreAsync("r-000000000000"));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("'r-000000000000'", error.Status.Detail);
    }

    [Fact]
    public async Task WatchRestore_OfAnUnknownJob_IsNotFound_NamingIt()
    {
        var watch = _agent.WatchRestore("r-ffffffffffff");

        var error = await Assert.ThrowsAsync<RpcException>(() => watch.Call);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("'r-ffffffffffff'", error.Status.Detail);
        Assert.Empty(await watch.Stream.ReadAllAsync());
    }

    [Fact]
    public async Task ListRestores_ListsEveryJob_InTheOrderTheyStarted()
    {
        var first = await _agent.StartRestoreAsync(Request());
        await _agent.WatchRestore(first.JobId).Call;
        var second = await _agent.StartRestoreAsync(Request());
        await _agent.WatchRestore(second.JobId).Call;

        var jobs = (await _agent.ListRestoresAsync()).Jobs;

        Assert.Equal([first.JobId, second.JobId], jobs.Select(j => j.JobId));
    }

    private static StartRestoreRequest Request() => DataAgentUnderTest.Request(MediaAgentOnLoopback.CopyName);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _agent.DisposeAsync();
}
