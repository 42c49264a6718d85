using System.Diagnostics;

namespace RestoreAgents.Cloud;

/// <summary>
/// Spans for the blob-level steps (create, open, download). Each Put Page is already a span of the caller's
/// page upload and of the HTTP client, so none is added per page.
/// </summary>
internal static class CloudTelemetry
{
    public const string Name = "RestoreAgents.Cloud";
    public const string BlobTag = "restoreagents.blob";

    public static readonly ActivitySource Source = new(Name);

    public static Activity? Start(string operation, string blobUrl)
    {
        var activity = Source.StartActivity(operation);
        activity?.SetTag(BlobTag, blobUrl);
        return activity;
    }

    /// <summary>
    /// Marks the span failed with the translated error's text: never the SDK's own exception, whose message carries
    /// the response's headers. Returns the error, to throw.
    /// </summary>
    public static CloudDestinationException Fail(Activity? activity, CloudDestinationException error)
    {
        activity?.SetStatus(ActivityStatusCode.Error, error.Message);
        return error;
    }
}
