using Azure.Core;
using Azure.Storage.Blobs;

namespace RestoreAgents.Cloud;

/// <summary>
/// An Azure identity (managed identity, workload identity, DefaultAzureCredential, ...) with the account's blob
/// endpoint: no secret on the host; the identity needs a data role on the account (Storage Blob Data Contributor).
/// </summary>
public sealed class TokenCredentials : StorageCredentials
{
    private readonly Uri _endpoint;
    private readonly TokenCredential _credential;

    /// <param name="description">What the identity is, for messages, e.g. "managed identity".</param>
    /// <exception cref="ArgumentException">The endpoint is not https (Azure sends no token over http).</exception>
    public TokenCredentials(Uri blobEndpoint, TokenCredential credential, string description)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        AccountEndpoint = CheckEndpoint(blobEndpoint);
        if (blobEndpoint.Scheme != Uri.UriSchemeHttps)
            throw Invalid($"an Azure identity needs an https:// blob endpoint, and {AccountEndpoint} is not one");
        _endpoint = blobEndpoint;
        _credential = credential;
        Description = description;
    }

    public string Description { get; }

    public override string AccountEndpoint { get; }

    public override string? OnlyContainer => null;

    internal override string AccessDeniedHint =>
        $"check that the {Description} has a data role on the account (Storage Blob Data Contributor)";

    internal override BlobServiceClient CreateServiceClient(BlobClientOptions options) =>
        new(_endpoint, _credential, options);

    public override string ToString() => $"{Description} for {AccountEndpoint}";
}
