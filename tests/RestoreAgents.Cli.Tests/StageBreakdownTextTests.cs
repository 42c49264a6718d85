using System.Text.RegularExpressions;
using RestoreAgents.Cli.Rendering;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Tests;

/// <summary>How restorectl says where a job's time went.</summary>
public sealed class StageBreakdownTextTests
{
    [Fact]
    public void Summary_NamesTheSlowestStage_ItsShareOfTheWallTime_TheThrottledShare_AndTheTrace()
    {
        Assert.Equal($"slowest stage: cloud upload, 71 % of wall time (throttled 12 %); trace {CannedProgress.TraceId}",
            StageBreakdownText.Summary(CannedProgress.CompletedWithStages()));
    }

    [Fact]
    public void Summary_OfAStoreBoundJob_NamesTheStore_WithoutAThrottledShare()
    {
        var progress = CannedProgress.CompletedWithStages();
        progress.Stages.StoreReadSeconds = 30;
        progress.Stages.CloudUploadSeconds = 2.4;

        Assert.StartsWith("slowest stage: store read, 75 % of wall time; trace ", StageBreakdownText.Summary(progress));
    }

    [Fact]
    public void Summary_IsNone_ForAJobThatSaysNothingOfItsTime()
    {
        Assert.Null(StageBreakdownText.Summary(CannedProgress.Completed()));
    }

    [Fact]
    public void Lines_GiveEachStage_ItsSecondsAndShare_AndTheCloudUploadsParts()
    {
        var lines = StageBreakdownText.Lines(CannedProgress.CompletedWithStages().Stages).ToList();

        Assert.Equal("where the time went (40.0 s wall time):", lines[0]);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^  store read +4\.0 s +10 %$"));
        Assert.Contains(lines, l => Regex.IsMatch(l,
            @"^  cloud upload +28\.4 s +71 % +\(waiting for a free cache slot 50 %, throttled 12 %\)$"));
        Assert.Equal(8, lines.Count);
    }
}
