using Grpc.Core;
using RestoreAgents.Cli.Tests.Fakes;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Tests;

/// <summary>`restore` against a fake data agent with canned progress: what it prints and how it exits.</summary>
public sealed class RestoreCommandTests : IAsyncLifetime
{
    private FakeAgentHost _agent = null!;

    public async Task InitializeAsync() => _agent = await FakeAgentHost.StartAsync();

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    private string[] Restore(params string[] extra) =>
    [
        "restore", "--data-agent", _agent.Url, "--media-agent", "backup-1", "--destination", "prod", "--copy", "vm01",
        "--container", "restores", "--blob", "vm01.vhd", .. extra,
    ];

    [Fact]
    public async Task Restore_WatchesToTheEnd_AndExitsZero_WhenCompletedAndVerified()
    {
        _agent.DataAgent.Progress.AddRange([CannedProgress.Running(0), CannedProgress.Running(128), CannedProgress.Completed()]);

        var result = await CliRun.Of(Restore());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("", result.Error);
        Assert.Contains($"job {FakeDataAgent.JobId} started on the data agent at {_agent.Url}", result.Output);
        Assert.Contains($"job {FakeDataAgent.JobId} running: 0 B of 256.0 MiB (0%)", result.Output);
        Assert.Contains($"job {FakeDataAgent.JobId} completed in 0:40: copy vm01 restored into "
            + "http://127.0.0.1:10000/devstoreaccount1/restores/vm01.vhd", result.Output);
        Assert.Contains("disk 1.0 GiB, data 256.0 MiB (6.4 MiB/s), zeros skipped 768.0 MiB", result.Output);
        Assert.Contains("pages uploaded 100 of 4.0 MiB, all-zero pages not uploaded 156", result.Output);
        Assert.Contains("verified: the blob matches the copy's SHA-256", result.Output);
        Assert.Contains(_agent.DataAgent.Calls, c => c.Method.EndsWith("/WatchRestore", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restore_SaysWhereTheJobsTimeWent_WithItsTrace_WhenItEnds()
    {
        _agent.DataAgent.Progress.AddRange([CannedProgress.Running(128), CannedProgress.CompletedWithStages()]);

        var result = await CliRun.Of(Restore());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains($"slowest stage: cloud upload, 71 % of wall time (throttled 12 %); trace {CannedProgress.TraceId}",
            result.OutputLines.Select(l => l.Trim()));
    }

    [Fact]
    public async Task Restore_ExitsOne_WithTheAgentsError_WhenTheJobFails()
    {
        _agent.DataAgent.Progress.AddRange([CannedProgress.Running(64),
            CannedProgress.Ended(RestoreState.Failed, 64, "chunk 3f2a of copy 'vm01' at offset 67108864 is corrupt")]);

        var result = await CliRun.Of(Restore());

        Assert.Equal(ExitCodes.JobFailed, result.ExitCode);
        Assert.Equal($"error: job {FakeDataAgent.JobId} failed: chunk 3f2a of copy 'vm01' at offset 67108864 is corrupt",
            Assert.Single(result.ErrorLines).TrimEnd());
    }

    [Fact]
    public async Task Restore_ExitsOne_WhenTheJobIsCancelled()
    {
        _agent.DataAgent.Progress.Add(CannedProgress.Ended(RestoreState.Cancelled, 32, ""));

        var result = await CliRun.Of(Restore());

        Assert.Equal(ExitCodes.JobFailed, result.ExitCode);
        Assert.Equal($"error: job {FakeDataAgent.JobId} was cancelled", Assert.Single(result.ErrorLines).TrimEnd());
    }

    [Fact]
    public async Task Restore_ExitsOne_WhenTheJobCompletedUnverified_ButVerifyingWasAsked()
    {
        _agent.DataAgent.Progress.Add(CannedProgress.Completed(verified: false));

        var result = await CliRun.Of(Restore());

        Assert.Equal(ExitCodes.JobFailed, result.ExitCode);
        Assert.Contains("was not verified", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Restore_ExitsZero_WhenCompletedUnverified_WithNoVerify()
    {
        _agent.DataAgent.Progress.Add(CannedProgress.Completed(verified: false));

        var result = await CliRun.Of(Restore("--no-verify"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("not verified", result.Output);
    }

    [Fact]
    public async Task Restore_NoWait_PrintsOnlyTheJobId_AndDoesNotWatch()
    {
        _agent.DataAgent.Progress.Add(CannedProgress.Running(0));

        var result = await CliRun.Of(Restore("--no-wait"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(FakeDataAgent.JobId + Environment.NewLine, result.Output);
        Assert.DoesNotContain(_agent.DataAgent.Calls, c => c.Method.EndsWith("/WatchRestore", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument, "page size 1000 is not a multiple of 512", ExitCodes.Usage)]
    [InlineData(StatusCode.NotFound, "copy 'vm02' not found on the media agent", ExitCodes.OtherError)]
    [InlineData(StatusCode.AlreadyExists, "blob restores/vm01.vhd exists; pass overwrite", ExitCodes.TargetNotReady)]
    [InlineData(StatusCode.FailedPrecondition, "container 'restores' does not exist", ExitCodes.TargetNotReady)]
    public async Task Restore_ShowsTheAgentsRefusal_AsOneLine_WithTheExitCodeOfTheMistake(StatusCode status,
        string detail, int exitCode)
    {
        _agent.DataAgent.StartFailure = new RpcException(new Status(status, detail));

        var result = await CliRun.Of(Restore());

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal($"error: data agent at {_agent.Url}: {detail}", Assert.Single(result.ErrorLines).TrimEnd());
    }

    [Fact]
    public async Task Restore_ExitsThree_WhenTheDataAgentCannotReachTheMediaAgent_NamingBoth()
    {
        _agent.DataAgent.StartFailure = new RpcException(new Status(StatusCode.Unavailable,
            "media agent 'backup-1' is unreachable (the data agent's log says why)"));

        var result = await CliRun.Of(Restore());

        Assert.Equal(ExitCodes.AgentUnreachable, result.ExitCode);
        Assert.Equal($"error: data agent at {_agent.Url}: media agent 'backup-1' is unreachable (the data agent's "
            + "log says why)", Assert.Single(result.ErrorLines).TrimEnd());
    }

    [Fact]
    public async Task Restore_Interrupted_Exits130_AndSaysTheJobKeepsRunning()
    {
        _agent.DataAgent.Progress.Add(CannedProgress.Running(16));
        _agent.DataAgent.WatchNeverEnds = true;
        using var interrupt = new CancellationTokenSource();
        var run = new CliRun { CancellationToken = interrupt.Token };

        var running = run.RunAsync(Restore());
        await HangGuard.Within(_agent.DataAgent.WatchStarted.Task, "restorectl restore to watch the job");
        await interrupt.CancelAsync();
        var result = await HangGuard.Within(running, "restorectl restore to exit once interrupted");

        Assert.Equal(ExitCodes.Interrupted, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains($"job {FakeDataAgent.JobId} keeps running", line);
        Assert.Contains($"restorectl cancel {FakeDataAgent.JobId}", line);
    }
}
