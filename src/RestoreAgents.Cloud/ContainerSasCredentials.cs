using Azure;
using Azure.Storage.Blobs;

namespace RestoreAgents.Cloud;

/// <summary>
/// A container's SAS URL: one container, with the permissions its signature grants (a restore needs read, create
/// and write). It cannot create its container.
/// </summary>
public sealed class ContainerSasCredentials : StorageCredentials
{
    private readonly Uri _serviceUri;
    private readonly string _sas;

    /// <exception cref="ArgumentException">
    /// The URL is not http(s), names no container or a blob, or carries no signature (the signature not quoted).
    /// </exception>
    public ContainerSasCredentials(string containerSasUrl)
    {
        if (!Uri.TryCreate(containerSasUrl, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw Invalid("the container SAS URL is not an absolute http:// or https:// URL");

        var parts = new BlobUriBuilder(uri);
        var shown = WithoutQuery(uri);
        if (string.IsNullOrEmpty(parts.BlobContainerName))
            throw Invalid($"the SAS URL {shown} names no container; give the container's SAS URL");
        if (!string.IsNullOrEmpty(parts.BlobName))
            throw Invalid($"the SAS URL {shown} names a blob ('{parts.BlobName}'); give the container's SAS URL "
                + "and the blob name separately");
        if (parts.Sas is null || string.IsNullOrEmpty(parts.Sas.Signature))
            throw Invalid($"the SAS URL {shown} carries no signature (the query has no sig parameter)");

        SasUrl = containerSasUrl;
        Container = parts.BlobContainerName;
        ContainerUrl = shown.TrimEnd('/');
        _sas = uri.Query.TrimStart('?');
        parts.BlobContainerName = "";
        parts.Sas = null;
        parts.Query = null;
        _serviceUri = parts.ToUri();
        AccountEndpoint = WithoutQuery(_serviceUri).TrimEnd('/');
    }

    /// <summary>The secret itself, for the one caller that must pass it on (a StartRestore request).</summary>
    public string SasUrl { get; }

    /// <summary>The container the SAS is for.</summary>
    public string Container { get; }

    /// <summary>The container's URL without the SAS: safe to show.</summary>
    public string ContainerUrl { get; }

    public override string AccountEndpoint { get; }

    public override string? OnlyContainer => Container;

    /// <summary>The account's client, signing every request with the SAS (which still reaches only its container).</summary>
    internal override BlobServiceClient CreateServiceClient(BlobClientOptions options) =>
        new(_serviceUri, new AzureSasCredential(_sas), options);

    public override string ToString() => $"container SAS URL {ContainerUrl} (signature hidden)";
}
