namespace RestoreAgents.Cloud;

/// <summary>
/// What messages say about a page blob (or a container, when <see cref="BlobName"/> is empty): its account
/// endpoint, container and name, never a query string.
/// </summary>
internal sealed record BlobLocation(string AccountEndpoint, string Container, string BlobName, string Url,
    bool UsesContainerSas)
{
    public static BlobLocation From(Uri containerUri, Uri blobUri, string container, string blobName,
        bool usesContainerSas)
    {
        var containerUrl = StorageCredentials.WithoutQuery(containerUri).TrimEnd('/');
        var endpoint = containerUrl.EndsWith("/" + container, StringComparison.Ordinal)
            ? containerUrl[..^(container.Length + 1)]
            : containerUrl;
        return new BlobLocation(endpoint, container, blobName,
            StorageCredentials.WithoutQuery(blobUri), usesContainerSas);
    }

    /// <summary>The container itself (no blob), for calls such as listing its blobs.</summary>
    public static BlobLocation OfContainer(Uri containerUri, string container, bool usesContainerSas) =>
        From(containerUri, containerUri, container, "", usesContainerSas);

    public override string ToString() => BlobName.Length == 0
        ? $"container '{Container}' at {AccountEndpoint}"
        : $"page blob '{BlobName}' in container '{Container}' at {AccountEndpoint}";
}
