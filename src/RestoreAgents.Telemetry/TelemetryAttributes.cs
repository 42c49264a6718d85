namespace RestoreAgents.Telemetry;

/// <summary>
/// Every attribute name a RestoreAgents span or instrument carries. OpenTelemetry's semantic conventions where one
/// exists (error.type, server.address, rpc.*); the product's own under <c>restoreagents.</c>, lower case, dotted by
/// what they describe. Failures carry <see cref="ErrorType"/>; instruments carry <see cref="Outcome"/> instead of
/// a counter per outcome.
/// </summary>
public static class TelemetryAttributes
{
    /// <summary>Why an operation failed: the exception's full type name, or a status code.</summary>
    public const string ErrorType = "error.type";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string RpcSystem = "rpc.system";
    public const string RpcService = "rpc.service";
    public const string RpcMethod = "rpc.method";
    public const string RpcGrpcStatusCode = "rpc.grpc.status_code";
    public const string HttpResponseStatusCode = "http.response.status_code";

    /// <summary>How one operation ended; the values are each instrument's own (e.g. uploaded, skipped_zero, failed).</summary>
    public const string Outcome = "restoreagents.outcome";

    public const string JobId = "restoreagents.job.id";
    /// <summary>queued, running, completed, failed, cancelled.</summary>
    public const string JobState = "restoreagents.job.state";
    public const string CopyName = "restoreagents.copy.name";
    /// <summary>A page blob's URL without its query string: never a SAS.</summary>
    public const string BlobUrl = "restoreagents.blob.url";
    public const string CacheName = "restoreagents.cache.name";
    public const string PageOffset = "restoreagents.page.offset";
    public const string PageBytes = "restoreagents.page.bytes";
    /// <summary>True when a partial page went up early because every cache slot held a partial page.</summary>
    public const string PageEarlyFlush = "restoreagents.page.early_flush";
    public const string StoreOffset = "restoreagents.store.offset";
    public const string StoreBytes = "restoreagents.store.bytes";
    public const string StreamBytes = "restoreagents.stream.bytes";
    /// <summary>True for a stream that resumes a job's earlier, broken stream.</summary>
    public const string StreamResumed = "restoreagents.stream.resumed";
    /// <summary>Prefix of the stage breakdown's attributes on a job's span, e.g. restoreagents.stage.store_read.</summary>
    public const string StagePrefix = "restoreagents.stage.";
    /// <summary>How many per-item spans (page uploads, store reads) were left out of the trace, measured only.</summary>
    public const string UnsampledCount = "restoreagents.unsampled";

    public const string RpcSystemGrpc = "grpc";
}
