using Azure.Storage.Blobs;

namespace RestoreAgents.Cloud;

/// <summary>An account connection string: the whole account, and the only credentials that can create containers.</summary>
public sealed class ConnectionStringCredentials : StorageCredentials
{
    /// <exception cref="ArgumentException">The text is not an Azure Storage connection string (not quoted).</exception>
    public ConnectionStringCredentials(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw Invalid("the connection string is empty");
        BlobServiceClient parsed;
        try
        {
            parsed = new BlobServiceClient(connectionString);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The parser's own exception is left out: it may quote the connection string.
            throw Invalid("the connection string is not an Azure Storage connection string "
                + "(expected e.g. 'DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;' or "
                + "'BlobEndpoint=...;SharedAccessSignature=...')");
        }
        ConnectionString = connectionString;
        AccountEndpoint = WithoutQuery(parsed.Uri).TrimEnd('/');
    }

    /// <summary>The secret: kept only for the SDK's client, which parses it again.</summary>
    private string ConnectionString { get; }

    public override string AccountEndpoint { get; }

    public override string? OnlyContainer => null;

    internal override string AccessDeniedHint =>
        "check the account name and key in the connection string (and that this host's clock is right)";

    internal override BlobServiceClient CreateServiceClient(BlobClientOptions options) =>
        new(ConnectionString, options);

    public override string ToString() => $"connection string of {AccountEndpoint} (secret hidden)";
}
