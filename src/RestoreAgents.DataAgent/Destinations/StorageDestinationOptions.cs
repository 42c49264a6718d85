namespace RestoreAgents.DataAgent.Destinations;

/// <summary>
/// One named destination, bound from DataAgent:Destinations:NAME: a storage account's blob endpoint and how to
/// reach it. Secrets are never settings themselves: a setting names the file or the environment variable that
/// holds one. Checked at start by <see cref="StorageDestinationFactory"/>.
/// </summary>
public sealed class StorageDestinationOptions
{
    /// <summary>The account's blob endpoint, e.g. https://account.blob.core.windows.net (optional for SasOnly).</summary>
    public string? BlobEndpoint { get; set; }

    public StorageCredentialKind? Credential { get; set; }

    /// <summary>
    /// PageBlobs (the default) or ManagedDisk: a managed-disk destination takes only a request's blob SAS (Credential
    /// SasOnly) and writes into that existing disk, e.g. with AllowedSasHosts md-*.blob.storage.azure.net.
    /// </summary>
    public DestinationKind Kind { get; set; }

    /// <summary>The storage account's name, for AccountKey.</summary>
    public string? AccountName { get; set; }

    /// <summary>A file holding the account key (owner-only: 0600 or 0400), for AccountKey.</summary>
    public string? AccountKeyFile { get; set; }

    /// <summary>The name of an environment variable holding the account key, for AccountKey.</summary>
    public string? AccountKeyEnvironment { get; set; }

    /// <summary>A file holding the connection string (owner-only), for ConnectionString.</summary>
    public string? ConnectionStringFile { get; set; }

    /// <summary>The name of an environment variable holding the connection string, for ConnectionString.</summary>
    public string? ConnectionStringEnvironment { get; set; }

    /// <summary>The client id of a user-assigned managed identity (ManagedIdentity, DefaultAzureCredential).</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// Hosts a request's SAS URL may name (host, or host:port for a port other than the scheme's default); a '*'
    /// stands for any run of name characters before a domain, e.g. md-*.blob.storage.azure.net. Empty: this
    /// destination takes no SAS URL.
    /// </summary>
    public List<string> AllowedSasHosts { get; set; } = [];

    /// <summary>
    /// Development only: lets BlobEndpoint and requests' SAS URLs be http:// (Azurite). Announced at start.
    /// </summary>
    public bool AllowPlaintext { get; set; }
}
