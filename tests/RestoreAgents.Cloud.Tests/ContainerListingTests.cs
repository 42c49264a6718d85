using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using RestoreAgents.Testing;

namespace RestoreAgents.Cloud.Tests;

/// <summary>Container calls on real Azurite: listing its blobs and creating it (a mount's start), deleting a blob (rm).</summary>
[Requires(RealPart.Azurite)]
[Collection(AzuriteCollection.Name)]
public sealed class ContainerListingTests(AzuriteFixture azurite)
{
    private const int MiB = 1024 * 1024;

    private readonly AzuriteAccount _account = new(azurite);

    [Fact]
    public async Task ListBlobsAsync_NamesEveryBlob_WithItsTypeAndSize()
    {
        var container = await _account.CreateContainerAsync();
        var client = _account.Container(container);
        await client.GetPageBlobClient("vm01.raw").CreateAsync(2 * MiB + 512);
        await client.GetBlobClient("notes.txt").UploadAsync(BinaryData.FromString("hello"));
        await client.GetAppendBlobClient("log").CreateAsync();

        var blobs = await PageBlobStoreFactory.ListBlobsAsync(
            _account.NewDestination(container, blobName: ""), new CloudOptions());

        Assert.Equal(
            [new ContainerBlob("log", "append", 0), new ContainerBlob("notes.txt", "block", 5),
                new ContainerBlob("vm01.raw", "page", 2 * MiB + 512)],
            blobs);
        Assert.Equal([false, false, true], blobs.Select(b => b.IsPageBlob));
    }

    [Fact]
    public async Task ListBlobsAsync_OfAMissingContainer_SaysSo_WithoutCreatingIt()
    {
        var destination = _account.NewDestination(blobName: "");

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            PageBlobStoreFactory.ListBlobsAsync(destination, new CloudOptions()));

        Assert.Equal(CloudFailure.ContainerNotFound, e.Failure);
        Assert.StartsWith($"Could not list the blobs of container '{destination.Container}' at {_account.BlobEndpoint}:",
            e.Message);
        Assert.False((await _account.Container(destination.Container).ExistsAsync()).Value);
    }

    [Fact]
    public async Task ListBlobsAsync_WithASasThatCannotList_NamesTheListPermission()
    {
        var container = await _account.CreateContainerAsync();
        var sasUrl = _account.ContainerSasUrl(container, BlobContainerSasPermissions.Read);

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            PageBlobStoreFactory.ListBlobsAsync(new PageBlobDestination(null, sasUrl, "", ""),
                AzuriteAccount.QuickRetries()));

        Assert.Equal(CloudFailure.AccessDenied, e.Failure);
        Assert.Contains("list (l)", e.Message);
        Assert.DoesNotContain(AzuriteAccount.SignatureOf(sasUrl), e.Message);
    }

    [Fact]
    public async Task CreateContainerIfMissingAsync_CreatesItOnce_AndRefusesASasUrl()
    {
        var destination = _account.NewDestination(blobName: "");

        Assert.True(await PageBlobStoreFactory.CreateContainerIfMissingAsync(destination, new CloudOptions()));
        Assert.False(await PageBlobStoreFactory.CreateContainerIfMissingAsync(destination, new CloudOptions()));

        Assert.True((await _account.Container(destination.Container).ExistsAsync()).Value);
        var sasUrl = _account.ContainerSasUrl(destination.Container, BlobContainerSasPermissions.All);
        await Assert.ThrowsAsync<ArgumentException>(() => PageBlobStoreFactory.CreateContainerIfMissingAsync(
            new PageBlobDestination(null, sasUrl, "", ""), new CloudOptions()));
    }

    [Fact]
    public async Task DeleteAsync_RemovesThePageBlob()
    {
        var destination = _account.NewDestination();
        var store = await PageBlobStoreFactory.CreateAsync(destination, MiB, overwrite: false, new CloudOptions());

        await store.DeleteAsync();
        await store.DeleteAsync(); // already gone: still fine

        var blob = _account.Container(destination.Container).GetBlobClient(destination.BlobName);
        Assert.False((await blob.ExistsAsync()).Value);
    }

    [Fact]
    public void ValidateContainer_ChecksTheContainer_AndNotTheBlobName()
    {
        new PageBlobDestination(_account.ConnectionString, null, "restores", "").ValidateContainer();

        var e = Assert.Throws<ArgumentException>(() =>
            new PageBlobDestination(_account.ConnectionString, null, "Bad_Name", "").ValidateContainer());
        Assert.StartsWith("Invalid container 'Bad_Name': ", e.Message);
        Assert.Throws<ArgumentException>(() =>
            new PageBlobDestination(_account.ConnectionString, null, "restores", "").Validate());
    }
}
