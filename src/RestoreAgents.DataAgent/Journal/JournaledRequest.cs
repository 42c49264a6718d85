using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.Journal;

/// <summary>
/// What a job's journal keeps of its request and its copy, to run it again after the data agent restarts: names
/// only, never a secret (a request's SAS URL is not kept: <see cref="UsesSas"/> says the operator must give it again).
/// </summary>
internal sealed record JournaledRequest
{
    public required string JobId { get; init; }
    public required string StartedBy { get; init; }
    public required string MediaAgent { get; init; }
    public required string CopyName { get; init; }
    public required string Destination { get; init; }
    public required string Container { get; init; }
    public required string BlobName { get; init; }
    public required bool UsesSas { get; init; }
    public required int PageSize { get; init; }
    public required long CacheSize { get; init; }
    public required VerifyMode Verify { get; init; }
    public required bool Overwrite { get; init; }

    /// <summary>The copy as it was described at the start: a resume checks the media agent still describes it so.</summary>
    public required ulong DiskSize { get; init; }
    public required ulong AllocatedBytes { get; init; }
    public required string DiskSha256 { get; init; }
}
