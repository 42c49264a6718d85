using RestoreAgents.Cloud;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>A restore request after validation, with the data agent's defaults filled in.</summary>
internal sealed record RestoreRequest(
    Uri MediaAgent,
    string CopyName,
    PageBlobDestination Destination,
    int PageSize,
    long CacheSize,
    bool Verify,
    bool Overwrite);
