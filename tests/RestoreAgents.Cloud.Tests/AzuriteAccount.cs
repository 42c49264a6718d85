using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using RestoreAgents.Testing;

namespace RestoreAgents.Cloud.Tests;

/// <summary>Containers in the collection's Azurite: a fresh one per test, through connection strings and SAS URLs.</summary>
internal sealed class AzuriteAccount(AzuriteFixture azurite)
{
    public string ConnectionString => azurite.ConnectionString;

    public string BlobEndpoint => azurite.BlobEndpoint;

    public static string NewContainerName() => $"c{Guid.NewGuid():N}";

    public static string NewBlobName() => $"restores/disk-{Guid.NewGuid():N}.vhd";

    /// <summary>The account's client through its connection string; <paramref name="options"/> default to the contract's.</summary>
    public StorageAccountClient Account(CloudOptions? options = null) =>
        new(new ConnectionStringCredentials(ConnectionString), options ?? new CloudOptions());

    /// <summary>A container of the account (a fresh name unless given); not created.</summary>
    public PageBlobContainer NewContainer(string? name = null, CloudOptions? options = null) =>
        Account(options).GetContainer(name ?? NewContainerName());

    /// <summary>A container reached through a SAS URL of it, as a restore with --sas-url reaches it.</summary>
    public static PageBlobContainer ThroughSas(string sasUrl, CloudOptions? options = null) =>
        new StorageAccountClient(new SasUrlCredentials(sasUrl), options ?? new CloudOptions()).GetContainer("");

    public BlobContainerClient Container(string name) => new(ConnectionString, name);

    public async Task<string> CreateContainerAsync()
    {
        var name = NewContainerName();
        await Container(name).CreateAsync();
        return name;
    }

    /// <summary>A container SAS URL signed with the emulator's well-known development key.</summary>
    public string ContainerSasUrl(string container, BlobContainerSasPermissions permissions, string? endpoint = null) =>
        AzuriteSas.ContainerSasUrl(endpoint ?? BlobEndpoint, container, permissions);

    public static string SignatureOf(string sasUrl) => AzuriteSas.SignatureOf(sasUrl);

    /// <summary>Retries (and a throttle deadline) short enough that a test of a failing endpoint ends at once.</summary>
    public static CloudOptions QuickRetries(int maxRetries = 2) => new()
    {
        MaxRetries = maxRetries,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(40),
        NetworkTimeout = TimeSpan.FromSeconds(20),
        ThrottleDeadline = TimeSpan.FromSeconds(1),
    };
}
