using Azure.Storage.Blobs;

namespace RestoreAgents.Cloud;

/// <summary>
/// How to reach a storage account: a <see cref="ConnectionStringCredentials">connection string</see> (the whole
/// account) or a <see cref="ContainerSasCredentials">container SAS URL</see> (one container). Checked when made,
/// without a request; a <see cref="StorageAccountClient"/> is made from them once and kept.
/// </summary>
/// <remarks>
/// These are secrets: <see cref="object.ToString"/> and every message leave the key and the signature out. Other
/// kinds (an Azure identity or a shared key, each with an account endpoint) fit in as further subclasses: each
/// only knows how to make the SDK's service client.
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

    /// <summary>
    /// Exactly one of a connection string and a container SAS URL, as restorectl's options and a StartRestore
    /// request carry them; a blank one counts as not given.
    /// </summary>
    /// <exception cref="ArgumentException">Both or neither were given, or the one given does not parse.</exception>
    public static StorageCredentials From(string? connectionString, string? containerSasUrl)
    {
        bool hasConnectionString = !string.IsNullOrWhiteSpace(connectionString);
        bool hasSasUrl = !string.IsNullOrWhiteSpace(containerSasUrl);
        if (hasConnectionString == hasSasUrl)
            throw Invalid(hasConnectionString
                ? "give either a connection string or a container SAS URL, not both"
                : "give a connection string or a container SAS URL; neither was given");
        return hasSasUrl
            ? new ContainerSasCredentials(containerSasUrl!)
            : new ConnectionStringCredentials(connectionString!);
    }

    /// <summary>The SDK's client of the account; every container and blob client comes from it.</summary>
    internal abstract BlobServiceClient CreateServiceClient(BlobClientOptions options);

    /// <summary>Why credentials cannot work, in words that never quote the secret.</summary>
    private protected static ArgumentException Invalid(string problem) =>
        new($"Invalid storage credentials: {problem}.");

    /// <summary>A URL as messages may show it: without its query, where a SAS keeps its signature.</summary>
    internal static string WithoutQuery(Uri uri) => uri.GetLeftPart(UriPartial.Path);
}
