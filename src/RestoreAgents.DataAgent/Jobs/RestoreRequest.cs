using RestoreAgents.DataAgent.ManagedDisks;
using RestoreAgents.DataAgent.MediaAgents;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>
/// A restore request after validation, with the data agent's defaults filled in. It holds no secret (a request's
/// SAS URL lives only in the job's container while the job runs), so it may be shown, logged and kept on disk.
/// </summary>
/// <param name="Destination">The configured destination's name.</param>
/// <param name="UsesSas">The request brought a SAS URL: a resumed job would need it again.</param>
/// <param name="Verify">How the job proves the blob: none, the proof, or the proof and a read-back (never unspecified).</param>
/// <param name="ManagedDisk">Set when the destination is a managed disk: the blob exists and is only written.</param>
internal sealed record RestoreRequest(
    ConfiguredMediaAgent MediaAgent,
    string CopyName,
    string Destination,
    string Container,
    string BlobName,
    bool UsesSas,
    int PageSize,
    long CacheSize,
    VerifyMode Verify,
    bool Overwrite,
    ManagedDiskTarget? ManagedDisk = null);
