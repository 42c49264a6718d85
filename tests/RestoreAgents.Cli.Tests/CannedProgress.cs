using Google.Protobuf.WellKnownTypes;
using RestoreAgents.Cli.Tests.Fakes;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Tests;

/// <summary>Canned progress messages of one 1 GiB disk holding 256 MiB of data.</summary>
public static class CannedProgress
{
    public const ulong MiB = 1024 * 1024;

    public static RestoreProgress Running(ulong restoredMiB) => new()
    {
        JobId = FakeDataAgent.JobId,
        State = RestoreState.Running,
        CopyName = "vm01",
        BlobUrl = "http://127.0.0.1:10000/devstoreaccount1/restores/vm01.vhd",
        DiskSize = 1024 * MiB,
        BytesToRestore = 256 * MiB,
        BytesRestored = restoredMiB * MiB,
        BytesSkippedZero = 768 * MiB * restoredMiB / 256,
        PagesUploaded = restoredMiB / 4,
        PageSizeBytes = 4 * (uint)MiB,
        CacheSizeBytes = 64 * MiB,
        Started = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero)),
    };

    public static RestoreProgress Completed(bool verified = true)
    {
        var progress = Running(256);
        progress.State = RestoreState.Completed;
        progress.PagesUploaded = 100;
        progress.PagesSkippedZero = 156;
        progress.BytesUploaded = 400 * MiB;
        progress.Verified = verified;
        progress.Finished = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 25, 12, 0, 40, TimeSpan.Zero));
        return progress;
    }

    public const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    /// <summary>A completed job that spent 71 % of its 40 s uploading (12 % throttled).</summary>
    public static RestoreProgress CompletedWithStages()
    {
        var progress = Completed();
        progress.TraceId = TraceId;
        progress.Stages = new StageBreakdown
        {
            WallSeconds = 40, SetupSeconds = 1, StoreReadSeconds = 4, NetworkSeconds = 2, CacheWriteSeconds = 3,
            CloudUploadSeconds = 28.4, SlotWaitSeconds = 20, ThrottledSeconds = 4.8, VerifySeconds = 1.6,
        };
        return progress;
    }

    public static RestoreProgress Ended(RestoreState state, ulong restoredMiB, string error)
    {
        var progress = Running(restoredMiB);
        progress.State = state;
        progress.Error = error;
        return progress;
    }
}
