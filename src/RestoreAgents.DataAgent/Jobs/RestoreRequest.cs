using RestoreAgents.Cloud;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>A restore request after validation, with the data agent's defaults filled in.</summary>
/// <param name="Container">The blob's container, reached with the request's credentials.</param>
internal sealed record RestoreRequest(
    Uri MediaAgent,
    string CopyName,
    PageBlobContainer Container,
    string BlobName,
    int PageSize,
    long CacheSize,
    bool Verify,
    bool Overwrite);
