using Azure.Storage.Blobs;

namespace RestoreAgents.Cloud;

/// <summary>
/// How to reach a storage account: a <see cref="ConnectionStringCredentials">connection string</see>, an
/// <see cref="SharedKeyCredentials">account key</see> or an <see cref="TokenCredentials">Azure identity</see> (the
/// whole account), or a <see cref="SasUrlCredentials">SAS URL</see> (one container or one blob). Checked when made,
/// without a request; a <see cref="StorageAccountClient"/> is made from them once and kept.
/// </summary>
/// <remarks>
/// These are secrets: <see cref="object.ToString"/> and every message leave the key and the signature out. Each
/// kind only knows how to make the SDK's service client.
/// </remarks>
public abstract class StorageCredentials
{
    private protected StorageCredentials()
    {
    }

    /// <summary>The account's blob endpoint, e.g. https://account.blob.core.windows.net: safe to show.</summary>
    public abstract string AccountEndpoint { get; }

    /// <summary>The one container these credentials reach, or null when they reach the whole account.</summary>
    public abstract string? OnlyContainer { get; }

    /// <summary>The one blob these credentials reach (in <see cref="OnlyContainer"/>), or null.</summary>
    public virtual string? OnlyBlob => null;

    /// <summary>
    /// Exactly one of a connection string and a SAS URL (of a container or a blob), as restorectl's options carry
    /// them; a blank one counts as not given.
    /// </summary>
    /// <exception cref="ArgumentException">Both or neither were given, or the one given does not parse.</exception>
    public static StorageCredentials From(string? connectionString, string? sasUrl)
    {
        bool hasConnectionString = !string.IsNullOrWhiteSpace(connectionString);
        bool hasSasUrl = !string.IsNullOrWhiteSpace(sasUrl);
        if (hasConnectionString == hasSasUrl)
            throw Invalid(hasConnectionString
                ? "give either a connection string or a SAS URL, not both"
                : "give a connection string or a SAS URL; neither was given");
        return hasSasUrl
            ? new SasUrlCredentials(sasUrl!)
            : new ConnectionStringCredentials(connectionString!);
    }

    /// <summary>What to check when the account answers 401 or 403, to end "access was denied (403 ...); ...".</summary>
    internal virtual string AccessDeniedHint =>
        "check the account name and key (and that this host's clock is right)";

    /// <summary>The SDK's client of the account; every container and blob client comes from it.</summary>
    internal abstract BlobServiceClient CreateServiceClient(BlobClientOptions options);

    /// <summary>Why credentials cannot work, in words that never quote the secret.</summary>
    private protected static ArgumentException Invalid(string problem) =>
        new($"Invalid storage credentials: {problem}.");

    /// <summary>
    /// A blob endpoint as the account kinds take it: absolute http(s), no user, query or fragment; shown without a
    /// trailing slash. Whether http is acceptable is the caller's decision (the data agent's AllowPlaintext).
    /// </summary>
    private protected static string CheckEndpoint(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp)
            || endpoint.Host.Length == 0)
            throw Invalid($"the blob endpoint '{endpoint}' is not an absolute http:// or https:// URL");
        if (endpoint.UserInfo.Length > 0 || endpoint.Query.Length > 0 || endpoint.Fragment.Length > 0)
            throw Invalid($"the blob endpoint {WithoutQuery(endpoint)} must have no user, query or fragment");
        return WithoutQuery(endpoint).TrimEnd('/');
    }

    /// <summary>A URL as messages may show it: without its query, where a SAS keeps its signature.</summary>
    internal static string WithoutQuery(Uri uri) => uri.GetLeftPart(UriPartial.Path);
}
