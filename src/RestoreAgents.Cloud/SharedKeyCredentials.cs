using Azure.Storage;
using Azure.Storage.Blobs;

namespace RestoreAgents.Cloud;

/// <summary>An account's name and key (a shared key) with its blob endpoint: the whole account.</summary>
public sealed class SharedKeyCredentials : StorageCredentials
{
    private readonly Uri _endpoint;
    private readonly StorageSharedKeyCredential _key;

    /// <exception cref="ArgumentException">The endpoint, the name or the key cannot work (the key not quoted).</exception>
    public SharedKeyCredentials(Uri blobEndpoint, string accountName, string accountKey)
    {
        AccountEndpoint = CheckEndpoint(blobEndpoint);
        if (string.IsNullOrWhiteSpace(accountName))
            throw Invalid("the account name is empty");
        if (string.IsNullOrWhiteSpace(accountKey))
            throw Invalid($"the key of account '{accountName}' is empty");
        Span<byte> decoded = stackalloc byte[accountKey.Length];
        if (!Convert.TryFromBase64String(accountKey.Trim(), decoded, out _))
            throw Invalid($"the key of account '{accountName}' is not base64, as Azure's account keys are");
        _endpoint = blobEndpoint;
        _key = new StorageSharedKeyCredential(accountName.Trim(), accountKey.Trim());
        AccountName = accountName.Trim();
    }

    public string AccountName { get; }

    public override string AccountEndpoint { get; }

    public override string? OnlyContainer => null;

    internal override BlobServiceClient CreateServiceClient(BlobClientOptions options) => new(_endpoint, _key, options);

    public override string ToString() => $"key of account '{AccountName}' at {AccountEndpoint} (secret hidden)";
}
