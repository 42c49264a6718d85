using System.Text;
using Azure.Storage.Blobs;

namespace RestoreAgents.Cloud;

/// <summary>
/// Where a restored disk goes: a page blob in a container, reached either with an account connection string or
/// with a container SAS URL (exactly one of the two). With a SAS URL, <paramref name="Container"/> may be empty
/// (the URL names the container) or must match it.
/// </summary>
/// <remarks>
/// The connection string and the SAS are secrets: <see cref="ToString"/> and every message leave them out.
/// </remarks>
public sealed record PageBlobDestination(string? ConnectionString, string? ContainerSasUrl, string Container,
    string BlobName)
{
    /// <summary>True when the destination is reached through a container SAS URL.</summary>
    public bool UsesContainerSas => !string.IsNullOrWhiteSpace(ContainerSasUrl);

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> that says what is wrong (never quoting a secret) unless exactly
    /// one of the connection string and the SAS URL is given, it parses, and the container and blob names follow
    /// Azure's rules. Sends no request.
    /// </summary>
    public void Validate() => Check(withBlob: true);

    /// <summary>
    /// The checks of <see cref="Validate"/> for the container alone (<see cref="BlobName"/> is not looked at),
    /// before listing the container's blobs. Sends no request.
    /// </summary>
    public void ValidateContainer() => Check(withBlob: false);

    private void Check(bool withBlob)
    {
        bool hasConnectionString = !string.IsNullOrWhiteSpace(ConnectionString);
        if (hasConnectionString == UsesContainerSas)
            throw Invalid(withBlob, hasConnectionString
                ? "give either a connection string or a container SAS URL, not both"
                : "give a connection string or a container SAS URL; neither was given");

        string container = ResolveContainer(withBlob);
        if (StorageNames.ContainerNameProblem(container) is { } containerProblem)
            throw Invalid(withBlob, containerProblem);
        if (withBlob && StorageNames.BlobNameProblem(BlobName) is { } blobProblem)
            throw Invalid(withBlob, blobProblem);
        if (hasConnectionString)
            CheckConnectionString(withBlob);
    }

    /// <summary>The container name: <see cref="Container"/>, or the one in the SAS URL when that is empty.</summary>
    private string ResolveContainer(bool withBlob)
    {
        if (!UsesContainerSas) return Container;

        var sasUrl = ParseSasUrl(withBlob);
        if (!string.IsNullOrEmpty(Container) &&
            !string.Equals(Container, sasUrl.BlobContainerName, StringComparison.Ordinal))
            throw Invalid(withBlob,
                $"container '{Container}' is not the container '{sasUrl.BlobContainerName}' of the SAS URL "
                + $"{WithoutQuery(sasUrl)}");
        return sasUrl.BlobContainerName;
    }

    /// <summary>The container SAS URL, checked: http(s), names a container and no blob, carries a signature.</summary>
    internal Uri ContainerSasUri()
    {
        ParseSasUrl(withBlob: false);
        return new Uri(ContainerSasUrl!, UriKind.Absolute);
    }

    public override string ToString()
    {
        var text = new StringBuilder("PageBlobDestination { ");
        text.Append(UsesContainerSas
            ? $"ContainerSasUrl = {SafeSasUrl()} (signature hidden), "
            : $"ConnectionString = {(string.IsNullOrEmpty(ConnectionString) ? "none" : "(hidden)")}, ");
        text.Append($"Container = {Container}, BlobName = {BlobName} }}");
        return text.ToString();
    }

    private BlobUriBuilder ParseSasUrl(bool withBlob)
    {
        if (!Uri.TryCreate(ContainerSasUrl, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw Invalid(withBlob, "the container SAS URL is not an absolute http:// or https:// URL");

        var parts = new BlobUriBuilder(uri);
        if (string.IsNullOrEmpty(parts.BlobContainerName))
            throw Invalid(withBlob,
                $"the SAS URL {WithoutQuery(uri)} names no container; give the container's SAS URL");
        if (!string.IsNullOrEmpty(parts.BlobName))
            throw Invalid(withBlob,
                $"the SAS URL {WithoutQuery(uri)} names a blob ('{parts.BlobName}'); give the container's "
                + "SAS URL and the blob name separately");
        if (parts.Sas is null || string.IsNullOrEmpty(parts.Sas.Signature))
            throw Invalid(withBlob,
                $"the SAS URL {WithoutQuery(uri)} carries no signature (the query has no sig parameter)");
        return parts;
    }

    private void CheckConnectionString(bool withBlob)
    {
        try
        {
            _ = new BlobServiceClient(ConnectionString);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The parser's own exception is left out: it may quote the connection string.
            throw Invalid(withBlob, "the connection string is not an Azure Storage connection string "
                + "(expected e.g. 'DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;' or "
                + "'BlobEndpoint=...;SharedAccessSignature=...')");
        }
    }

    private string SafeSasUrl() =>
        Uri.TryCreate(ContainerSasUrl, UriKind.Absolute, out var uri) ? WithoutQuery(uri) : "(not a URL)";

    private static string WithoutQuery(BlobUriBuilder parts) => WithoutQuery(parts.ToUri());

    internal static string WithoutQuery(Uri uri) => uri.GetLeftPart(UriPartial.Path);

    private ArgumentException Invalid(bool withBlob, string problem)
    {
        var container = string.IsNullOrEmpty(Container) ? "the SAS URL's container" : $"container '{Container}'";
        return new ArgumentException(withBlob
            ? $"Invalid destination for page blob '{BlobName}' in {container}: {problem}."
            : $"Invalid {container}: {problem}.");
    }
}
