using RestoreAgents.DataAgent.Jobs;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>Where a job's time went: waits laid on the stage that caused them, stages adding up to the wall time.</summary>
public sealed class StageBreakdownsTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void WaitingForBlocks_IsTheStore_UpToWhatTheMediaAgentSpentReadingIt_AndTheNetworkForTheRest()
    {
        var times = new StageTimes { Streaming = S(10), Writing = S(2), MediaStoreRead = S(6) };

        var stages = StageBreakdowns.From(times, S(10));

        Assert.Equal(6, stages.StoreReadSeconds, 6);
        Assert.Equal(2, stages.NetworkSeconds, 6);
        Assert.Equal(2, stages.CacheWriteSeconds, 6);
    }

    [Fact]
    public void StoreReads_ThatOverlappedTheDataAgentsWrites_CountOnlyAsLongAsItWaitedForBlocks()
    {
        // A busy cache: the media agent read ahead while the data agent wrote; it waited 1 s for blocks.
        var times = new StageTimes { Streaming = S(10), Writing = S(9), MediaStoreRead = S(4) };

        var stages = StageBreakdowns.From(times, S(10));

        Assert.Equal(1, stages.StoreReadSeconds, 6);
        Assert.Equal(0, stages.NetworkSeconds, 6);
    }

    [Fact]
    public void WaitingForAFreeSlot_IsCloudUpload_WithTheLastPagesAndTheFooter()
    {
        var times = new StageTimes
        {
            Streaming = S(20), Writing = S(15), SlotWait = S(12), Flush = S(3), Footer = S(0.5),
        };

        var stages = StageBreakdowns.From(times, S(24));

        Assert.Equal(15.5, stages.CloudUploadSeconds, 6);
        Assert.Equal(12, stages.SlotWaitSeconds, 6);
        Assert.Equal(3, stages.CacheWriteSeconds, 6);
    }

    [Fact]
    public void SlotWaits_OnParallelFuseThreads_CountNoLongerThanTheWritesThatWaited()
    {
        var times = new StageTimes { Streaming = S(10), Writing = S(8), SlotWait = S(30) };

        var stages = StageBreakdowns.From(times, S(10));

        Assert.Equal(8, stages.SlotWaitSeconds, 6);
        Assert.Equal(0, stages.CacheWriteSeconds, 6);
    }

    [Fact]
    public void Throttled_IsTheCloudUploadsShare_ThatThrottlingTookOfAllPutPageTime()
    {
        var times = new StageTimes
        {
            Streaming = S(10), Writing = S(10), SlotWait = S(8), Flush = S(2),
            PutPageCalls = S(80), Throttled = S(20),
        };

        var stages = StageBreakdowns.From(times, S(12));

        Assert.Equal(10, stages.CloudUploadSeconds, 6);
        Assert.Equal(2.5, stages.ThrottledSeconds, 6);
    }

    [Fact]
    public void Stages_AddUpToTheWallTime_WithOtherForWhatNoStageTook()
    {
        var times = new StageTimes
        {
            Setup = S(1), Streaming = S(10), Writing = S(4), SlotWait = S(3), MediaStoreRead = S(2),
            Flush = S(2), Footer = S(0.1), Verify = S(3),
        };

        var stages = StageBreakdowns.From(times, S(17));

        var sum = stages.SetupSeconds + stages.StoreReadSeconds + stages.NetworkSeconds + stages.CacheWriteSeconds
                  + stages.CloudUploadSeconds + stages.VerifySeconds + stages.OtherSeconds;
        Assert.Equal(17, sum, 6);
        Assert.Equal(0.9, stages.OtherSeconds, 6);
        Assert.Equal(17, stages.WallSeconds, 6);
    }
}
