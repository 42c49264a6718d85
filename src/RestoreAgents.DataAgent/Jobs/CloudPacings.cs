using RestoreAgents.Cloud;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>A blob's <see cref="PutPagePacing"/> as a job's progress shows it.</summary>
internal static class CloudPacings
{
    public static CloudPacing From(PutPagePacing pacing, int uploadParallelism) => new()
    {
        UploadsAllowed = (uint)Math.Clamp(pacing.InFlightLimit, 1, uploadParallelism),
        UploadParallelism = (uint)uploadParallelism,
        PutPageCalls = (ulong)pacing.Calls,
        ThrottledCalls = (ulong)pacing.Throttled,
        BytesPerSecondLimit = pacing.BytesPerSecondLimit ?? 0,
    };
}
