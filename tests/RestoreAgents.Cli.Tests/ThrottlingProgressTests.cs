using RestoreAgents.Cli.Rendering;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Tests;

/// <summary>The progress line says when the cloud throttles and how far the job has slowed, and when the stream was re-opened.</summary>
public sealed class ThrottlingProgressTests
{
    private readonly TransferRate _rate = new(new ManualTimeProvider());

    private static RestoreProgress Throttled(ulong throttledCalls)
    {
        var progress = CannedProgress.Running(64);
        progress.CloudPacing = new CloudPacing
        {
            UploadsAllowed = 4, UploadParallelism = 8, PutPageCalls = 40, ThrottledCalls = throttledCalls,
            BytesPerSecondLimit = 19.5 * CannedProgress.MiB,
        };
        return progress;
    }

    [Fact]
    public void Line_WhileTheCloudThrottles_SaysHowManyUploadsAreInFlight_OfHowMany_AndAtWhatRate()
    {
        var line = RestoreProgressText.Line(Throttled(throttledCalls: 3), _rate);

        Assert.Contains("cloud throttling: 4 of 8 uploads in flight at 19.5 MiB/s", line);
    }

    [Fact]
    public void Line_WithoutThrottling_SaysNothingOfIt()
    {
        var line = RestoreProgressText.Line(Throttled(throttledCalls: 0), _rate);

        Assert.DoesNotContain("throttling", line);
    }

    [Fact]
    public void Line_AfterTheStreamWasReopened_SaysHowOften()
    {
        var progress = CannedProgress.Running(64);
        progress.StreamReconnects = 2;

        Assert.Contains("media agent stream re-opened 2 times", RestoreProgressText.Line(progress, _rate));
    }
}
