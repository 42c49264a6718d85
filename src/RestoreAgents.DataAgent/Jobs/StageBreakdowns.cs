using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>
/// Turns a job's <see cref="StageTimes"/> into where its wall time went: stages that do not overlap, so with
/// "other" they add up to the wall time. Waits are laid on the stage that caused them: the time the data agent
/// waited for blocks is the media agent's store reads (at most what it waited) and the network for the rest; a
/// write waiting for a free slot waits on the uploads that hold the slots.
/// </summary>
internal static class StageBreakdowns
{
    public static StageBreakdown From(StageTimes times, TimeSpan wall)
    {
        ArgumentNullException.ThrowIfNull(times);
        var waitingForBlocks = NonNegative(times.Streaming - times.Writing);
        var storeRead = Min(times.MediaStoreRead, waitingForBlocks);
        var slotWait = Min(times.SlotWait, times.Writing);
        var cloudUpload = slotWait + times.Flush + times.Footer;
        var throttledShare = times.PutPageCalls > TimeSpan.Zero
            ? Math.Min(1.0, times.Throttled / times.PutPageCalls)
            : 0.0;

        var breakdown = new StageBreakdown
        {
            WallSeconds = NonNegative(wall).TotalSeconds,
            SetupSeconds = times.Setup.TotalSeconds,
            StoreReadSeconds = storeRead.TotalSeconds,
            NetworkSeconds = (waitingForBlocks - storeRead).TotalSeconds,
            CacheWriteSeconds = (times.Writing - slotWait).TotalSeconds,
            CloudUploadSeconds = cloudUpload.TotalSeconds,
            SlotWaitSeconds = slotWait.TotalSeconds,
            ThrottledSeconds = cloudUpload.TotalSeconds * throttledShare,
            VerifySeconds = times.Verify.TotalSeconds,
        };
        var accounted = breakdown.SetupSeconds + breakdown.StoreReadSeconds + breakdown.NetworkSeconds
                        + breakdown.CacheWriteSeconds + breakdown.CloudUploadSeconds + breakdown.VerifySeconds;
        breakdown.OtherSeconds = Math.Max(0, breakdown.WallSeconds - accounted);
        return breakdown;
    }

    /// <summary>The stages by name and seconds, as the job's span carries them.</summary>
    public static IEnumerable<(string Name, double Seconds)> Stages(StageBreakdown breakdown)
    {
        ArgumentNullException.ThrowIfNull(breakdown);
        yield return ("setup", breakdown.SetupSeconds);
        yield return ("store_read", breakdown.StoreReadSeconds);
        yield return ("network", breakdown.NetworkSeconds);
        yield return ("cache_write", breakdown.CacheWriteSeconds);
        yield return ("cloud_upload", breakdown.CloudUploadSeconds);
        yield return ("slot_wait", breakdown.SlotWaitSeconds);
        yield return ("throttled", breakdown.ThrottledSeconds);
        yield return ("verify", breakdown.VerifySeconds);
        yield return ("other", breakdown.OtherSeconds);
    }

    private static TimeSpan NonNegative(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
