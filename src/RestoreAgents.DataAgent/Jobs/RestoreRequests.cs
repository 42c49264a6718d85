using Grpc.Core;
using RestoreAgents.Cloud;
using RestoreAgents.Caching;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>Turns a StartRestore message into a validated <see cref="RestoreRequest"/>.</summary>
internal static class RestoreRequests
{
    /// <param name="allowPlaintext">Whether an http:// media agent may be dialled (Tls:AllowPlaintext).</param>
    public static RestoreRequest From(StartRestoreRequest message, DataAgentOptions defaults, bool allowPlaintext)
    {
        if (!Uri.TryCreate(message.MediaAgentUrl, UriKind.Absolute, out var mediaAgent) ||
            (mediaAgent.Scheme != Uri.UriSchemeHttp && mediaAgent.Scheme != Uri.UriSchemeHttps))
            throw Invalid($"media agent URL '{message.MediaAgentUrl}' is not an http:// or https:// address");
        if (mediaAgent.Scheme == Uri.UriSchemeHttp && !allowPlaintext)
            throw Invalid($"media agent URL '{message.MediaAgentUrl}' is plaintext: this data agent dials media "
                + "agents over https:// only (Tls:AllowPlaintext is off)");
        if (string.IsNullOrWhiteSpace(message.CopyName))
            throw Invalid("copy name is empty");

        long pageSize = message.PageSizeBytes == 0 ? defaults.PageSizeBytes : message.PageSizeBytes;
        try
        {
            PageBlobRules.ValidatePageSize(pageSize);
        }
        catch (InvalidPageSizeException e)
        {
            throw Invalid(e.Message);
        }

        var cacheSize = message.CacheSizeBytes == 0 ? defaults.CacheSizeBytes : (long)message.CacheSizeBytes;
        if (cacheSize < pageSize)
            throw Invalid($"cache size {cacheSize} bytes is smaller than one page of {pageSize} bytes");

        var destination = message.Destination ?? throw Invalid("destination is missing");
        PageBlobContainer container;
        try
        {
            // The request carries its credentials, so its client lives as long as the job.
            var credentials = StorageCredentials.From(destination.ConnectionString, destination.ContainerSasUrl);
            container = new StorageAccountClient(credentials, defaults.Cloud).GetContainer(destination.Container);
            container.ValidateBlobName(destination.BlobName);
        }
        catch (ArgumentException e)
        {
            throw Invalid(e.Message);
        }

        return new RestoreRequest(mediaAgent, message.CopyName, container, destination.BlobName, (int)pageSize,
            cacheSize, message.Verify, message.Overwrite);
    }

    private static RestoreRejectedException Invalid(string message) => new(StatusCode.InvalidArgument, message);
}
