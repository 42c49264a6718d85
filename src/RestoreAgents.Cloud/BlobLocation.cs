namespace RestoreAgents.Cloud;

/// <summary>
/// What messages say about a page blob (or a container, when <see cref="BlobName"/> is empty): its account
/// endpoint, container and name, never a query string; and what to check when access is denied.
/// </summary>
internal sealed record BlobLocation(string AccountEndpoint, string Container, string BlobName, string Url,
    bool UsesSas, string AccessDeniedHint)
{
    public static BlobLocation From(Uri containerUri, Uri blobUri, string container, string blobName,
        StorageCredentials credentials)
    {
        var containerUrl = StorageCredentials.WithoutQuery(containerUri).TrimEnd('/');
        var endpoint = containerUrl.EndsWith("/" + container, StringComparison.Ordinal)
            ? containerUrl[..^(container.Length + 1)]
            : containerUrl;
        return new BlobLocation(endpoint, container, blobName, StorageCredentials.WithoutQuery(blobUri),
            credentials is SasUrlCredentials, credentials.AccessDeniedHint);
    }

    /// <summary>The container itself (no blob), for calls such as listing its blobs.</summary>
    public static BlobLocation OfContainer(Uri containerUri, string container, StorageCredentials credentials) =>
        From(containerUri, containerUri, container, "", credentials);

    public override string ToString() => BlobName.Length == 0
        ? $"container '{Container}' at {AccountEndpoint}"
        : $"page blob '{BlobName}' in container '{Container}' at {AccountEndpoint}";
}
