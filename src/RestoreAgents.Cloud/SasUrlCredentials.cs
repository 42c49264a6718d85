using Azure;
using Azure.Storage.Blobs;

namespace RestoreAgents.Cloud;

/// <summary>
/// A SAS URL of one container, or of one blob (what Azure's grant-access hands out for a managed disk): only that
/// container or blob, with the permissions its signature grants (a restore needs read, create and write). It cannot
/// create its container.
/// </summary>
public sealed class SasUrlCredentials : StorageCredentials
{
    private readonly Uri _serviceUri;
    private readonly string _sas;

    /// <exception cref="ArgumentException">
    /// The URL is not http(s), names no container, has a path a URL would rewrite (".." segments, backslashes), or
    /// carries no signature (the signature is never quoted).
    /// </exception>
    public SasUrlCredentials(string sasUrl)
    {
        if (!Uri.TryCreate(sasUrl, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Host.Length == 0)
            throw Invalid("the SAS URL is not an absolute http:// or https:// URL");
        var shown = WithoutQuery(uri);
        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
            throw Invalid($"the SAS URL {shown} has a user or a fragment; a SAS URL has neither");
        // Uri has already resolved "." and ".." and turned '\' into '/': look at the path as it was written.
        if (RawPathProblem(sasUrl) is { } problem)
            throw Invalid($"the SAS URL's path {problem}");

        var parts = new BlobUriBuilder(uri);
        if (string.IsNullOrEmpty(parts.BlobContainerName))
            throw Invalid($"the SAS URL {shown} names no container; give a container's or a blob's SAS URL");
        if (parts.Sas is null || string.IsNullOrEmpty(parts.Sas.Signature))
            throw Invalid($"the SAS URL {shown} carries no signature (the query has no sig parameter)");
        if (StorageNames.ContainerNameProblem(parts.BlobContainerName) is { } containerProblem)
            throw Invalid($"the SAS URL {shown}: {containerProblem}");
        if (!string.IsNullOrEmpty(parts.BlobName) && StorageNames.BlobNameProblem(parts.BlobName) is { } blobProblem)
            throw Invalid($"the SAS URL {shown}: {blobProblem}");

        Container = parts.BlobContainerName;
        BlobName = string.IsNullOrEmpty(parts.BlobName) ? null : parts.BlobName;
        Url = shown.TrimEnd('/');
        Host = uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}";
        IsHttps = uri.Scheme == Uri.UriSchemeHttps;
        _sas = uri.Query.TrimStart('?');
        parts.BlobContainerName = "";
        parts.BlobName = "";
        parts.Sas = null;
        parts.Query = null;
        _serviceUri = parts.ToUri();
        AccountEndpoint = WithoutQuery(_serviceUri).TrimEnd('/');
    }

    /// <summary>The container the SAS is for.</summary>
    public string Container { get; }

    /// <summary>The blob the SAS is for; null for a container's SAS.</summary>
    public string? BlobName { get; }

    /// <summary>The container's or blob's URL without the SAS: safe to show.</summary>
    public string Url { get; }

    /// <summary>The host the SAS makes a client dial, with its port unless it is the scheme's default.</summary>
    public string Host { get; }

    public bool IsHttps { get; }

    public override string AccountEndpoint { get; }

    public override string? OnlyContainer => Container;

    public override string? OnlyBlob => BlobName;

    internal override string AccessDeniedHint =>
        "check that the SAS is for this " + (BlobName is null ? "container" : "blob") + " and has not expired";

    /// <summary>The account's client, signing every request with the SAS (which still reaches only its scope).</summary>
    internal override BlobServiceClient CreateServiceClient(BlobClientOptions options) =>
        new(_serviceUri, new AzureSasCredential(_sas), options);

    public override string ToString() =>
        $"{(BlobName is null ? "container" : "blob")} SAS URL {Url} (signature hidden)";

    /// <summary>Null when the path, as written, has no '.' or '..' segment and no backslash; else what it has.</summary>
    private static string? RawPathProblem(string url)
    {
        var afterScheme = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var end = url.IndexOfAny(['?', '#'], afterScheme);
        var hostAndPath = end < 0 ? url[afterScheme..] : url[afterScheme..end];
        if (hostAndPath.Contains('\\'))
            return "contains a backslash, which a URL turns into '/'";
        var slash = hostAndPath.IndexOf('/');
        if (slash < 0) return null;
        foreach (var segment in hostAndPath[(slash + 1)..].Split('/'))
        {
            var decoded = Uri.UnescapeDataString(segment);
            if (decoded is "." or "..")
                return $"has the segment '{segment}', which a URL resolves away";
        }
        return null;
    }
}
