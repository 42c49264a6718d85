using RestoreAgents.Cli.Tests.Fakes;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Tests;

/// <summary>`status`, `watch` and `cancel` against a fake data agent.</summary>
public sealed class JobCommandTests : IAsyncLifetime
{
    private FakeAgentHost _agent = null!;

    public async Task InitializeAsync() => _agent = await FakeAgentHost.StartAsync();

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    [Fact]
    public async Task Status_ListsEachJob_WithStateProgressAndError()
    {
        var failed = CannedProgress.Ended(RestoreState.Failed, 64, "media agent at http://b:5010 unreachable");
        failed.JobId = "r-failed";
        var completed = CannedProgress.Completed();
        completed.JobId = "r-done";
        _agent.DataAgent.Jobs.AddRange([CannedProgress.Running(128), failed, completed]);

        var result = await CliRun.Of("status", "--data-agent", _agent.Url);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Matches($@"{FakeDataAgent.JobId}[\s│|]*running.*128\.0 MiB of 256\.0 MiB \(50%\)", result.Output);
        Assert.Matches(@"r-failed[\s│|]*failed.*64\.0 MiB of 256\.0 MiB \(25%\).*media agent at http://b:5010 unreachable",
            result.Output);
        Assert.Matches(@"r-done[\s│|]*completed \(verified\).*256\.0 MiB of 256\.0 MiB \(100%\)", result.Output);
        Assert.DoesNotContain("\u001b[", result.Output);
    }

    [Fact]
    public async Task Status_OfOneJob_ShowsOnlyThatJob()
    {
        var other = CannedProgress.Running(1);
        other.JobId = "r-other";
        _agent.DataAgent.Jobs.AddRange([CannedProgress.Running(128), other]);

        var result = await CliRun.Of("status", "--data-agent", _agent.Url, FakeDataAgent.JobId);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains(FakeDataAgent.JobId, result.Output);
        Assert.DoesNotContain("r-other", result.Output);
    }

    [Fact]
    public async Task Status_OfOneFinishedJob_SaysWhereItsTimeWent()
    {
        _agent.DataAgent.Jobs.Add(CannedProgress.CompletedWithStages());

        var result = await CliRun.Of("status", "--data-agent", _agent.Url, FakeDataAgent.JobId);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains($"slowest stage: cloud upload, 71 % of wall time (throttled 12 %); trace {CannedProgress.TraceId}",
            result.Output);
        Assert.Contains("where the time went (40.0 s wall time):", result.Output);
        Assert.Matches(@"network +2\.0 s +5 %", result.Output);
    }

    [Fact]
    public async Task Status_OfAllJobs_ListsThemWithoutTheirStages()
    {
        _agent.DataAgent.Jobs.Add(CannedProgress.CompletedWithStages());

        var result = await CliRun.Of("status", "--data-agent", _agent.Url);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.DoesNotContain("where the time went", result.Output);
    }

    [Fact]
    public async Task Status_OfAnUnknownJob_IsOneLine_AndExitCode4()
    {
        var result = await CliRun.Of("status", "--data-agent", _agent.Url, "r-nope");

        Assert.Equal(ExitCodes.OtherError, result.ExitCode);
        Assert.Equal($"error: data agent at {_agent.Url}: no job 'r-nope'", Assert.Single(result.ErrorLines).TrimEnd());
    }

    [Fact]
    public async Task Status_SaysSo_WhenThereAreNoJobs()
    {
        var result = await CliRun.Of("status", "--data-agent", _agent.Url);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal($"no restore jobs on the data agent at {_agent.Url}", result.Output.Trim());
    }

    [Fact]
    public async Task Status_UsesTheDataAgentFromTheEnvironment()
    {
        _agent.DataAgent.Jobs.Add(CannedProgress.Running(8));
        var run = new CliRun { Variables = { ["RESTOREAGENTS_DATA_AGENT"] = _agent.Url } };

        var result = await run.RunAsync("status");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains(FakeDataAgent.JobId, result.Output);
    }

    [Fact]
    public async Task Watch_ReattachesToAJob_AndExitsZero_WhenItCompletes()
    {
        _agent.DataAgent.Progress.AddRange([CannedProgress.Running(200), CannedProgress.Completed(verified: false)]);

        var result = await CliRun.Of("watch", "--data-agent", _agent.Url, FakeDataAgent.JobId);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains($"job {FakeDataAgent.JobId} running: 200.0 MiB of 256.0 MiB (78%)", result.Output);
        Assert.Contains($"job {FakeDataAgent.JobId} completed", result.Output);
    }

    [Fact]
    public async Task Watch_ExitsOne_WhenTheJobFailed()
    {
        _agent.DataAgent.Progress.Add(CannedProgress.Ended(RestoreState.Failed, 3, "Put Page at offset 0 refused"));

        var result = await CliRun.Of("watch", "--data-agent", _agent.Url, FakeDataAgent.JobId);

        Assert.Equal(ExitCodes.JobFailed, result.ExitCode);
        Assert.Contains("failed: Put Page at offset 0 refused", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Watch_OfAnUnknownJob_IsTheAgentsDetail_AndExitCode4()
    {
        var result = await CliRun.Of("watch", "--data-agent", _agent.Url, "r-nope");

        Assert.Equal(ExitCodes.OtherError, result.ExitCode);
        Assert.Equal($"error: data agent at {_agent.Url}: no restore job 'r-nope'", Assert.Single(result.ErrorLines).TrimEnd());
    }

    [Fact]
    public async Task Watch_ThatEndsWhileTheJobRuns_SaysHowToReattach_AndExitCode4()
    {
        _agent.DataAgent.Progress.Add(CannedProgress.Running(10));

        var result = await CliRun.Of("watch", "--data-agent", _agent.Url, FakeDataAgent.JobId);

        Assert.Equal(ExitCodes.OtherError, result.ExitCode);
        Assert.Contains($"'restorectl watch {FakeDataAgent.JobId}' re-attaches", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Watch_Interrupted_Exits130_AndSaysTheJobKeepsRunning()
    {
        _agent.DataAgent.Progress.Add(CannedProgress.Running(16));
        _agent.DataAgent.WatchNeverEnds = true;
        using var interrupt = new CancellationTokenSource();
        var run = new CliRun { CancellationToken = interrupt.Token };

        var watching = run.RunAsync("watch", "--data-agent", _agent.Url, FakeDataAgent.JobId);
        await HangGuard.Within(_agent.DataAgent.WatchStarted.Task, "restorectl watch to watch the job");
        await interrupt.CancelAsync();
        var result = await HangGuard.Within(watching, "restorectl watch to exit once interrupted");

        Assert.Equal(ExitCodes.Interrupted, result.ExitCode);
        Assert.Contains($"job {FakeDataAgent.JobId} keeps running", Assert.Single(result.ErrorLines));
    }

    [Theory]
    [InlineData(RestoreState.Cancelled, "cancelled")]
    [InlineData(RestoreState.Running, "is cancelling")]
    [InlineData(RestoreState.Completed, "had already ended (completed)")]
    public async Task Cancel_AsksTheDataAgent_AndSaysWhereTheJobStands(RestoreState after, string expected)
    {
        _agent.DataAgent.StateAfterCancel = after;

        var result = await CliRun.Of("cancel", "--data-agent", _agent.Url, FakeDataAgent.JobId);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(FakeDataAgent.JobId, Assert.Single(_agent.DataAgent.CancelledJobs));
        Assert.Contains($"job {FakeDataAgent.JobId} {expected}", result.Output);
    }

    [Fact]
    public async Task Cancel_OfAnUnknownJob_IsOneLine_AndExitCode4()
    {
        var result = await CliRun.Of("cancel", "--data-agent", _agent.Url, "r-nope");

        Assert.Equal(ExitCodes.OtherError, result.ExitCode);
        Assert.Contains("no restore job 'r-nope'", Assert.Single(result.ErrorLines));
    }
}
