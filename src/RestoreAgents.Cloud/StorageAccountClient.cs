using Azure.Storage.Blobs;

namespace RestoreAgents.Cloud;

/// <summary>
/// One storage account, reached with its <see cref="StorageCredentials"/> under the retry and timeout settings of
/// <see cref="CloudOptions"/>. Made once and kept: it hands out <see cref="PageBlobContainer"/>s, which hand out
/// <see cref="AzurePageBlob"/>s, all on the one HTTP pipeline of the SDK's service client (thread-safe).
/// </summary>
public sealed class StorageAccountClient
{
    private readonly StorageCredentials _credentials;
    private readonly CloudOptions _options;
    private readonly BlobServiceClient _client;

    /// <exception cref="ArgumentException">A cloud setting cannot work (no request sent).</exception>
    public StorageAccountClient(StorageCredentials credentials, CloudOptions options)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _credentials = credentials;
        _options = options;
        _client = credentials.CreateServiceClient(options.ToClientOptions());
    }

    /// <summary>The account's blob endpoint, without any query string.</summary>
    public string AccountEndpoint => _credentials.AccountEndpoint;

    /// <summary>
    /// The container <paramref name="name"/>, checked against Azure's naming rules; no request is sent. With a
    /// SAS, an empty name stands for the SAS's container, and any other name must be that one.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not a container name, or not the SAS's container.</exception>
    public PageBlobContainer GetContainer(string? name)
    {
        var only = _credentials.OnlyContainer;
        if (only is not null && string.IsNullOrEmpty(name))
            name = only;
        StorageNames.ValidateContainerName(name);
        if (only is not null && !string.Equals(name, only, StringComparison.Ordinal))
            throw new ArgumentException($"Invalid container '{name}': {_credentials} is for container '{only}'.");
        return new PageBlobContainer(_client.GetBlobContainerClient(name), _credentials, _options);
    }

    public override string ToString() => $"storage account at {AccountEndpoint}";
}
