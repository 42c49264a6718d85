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

        var blobs = await _account.NewContainer(container).ListBlobsAsync();

        Assert.Equal(
            [new ContainerBlob("log", "append", 0), new ContainerBlob("notes.txt", "block", 5),
                new ContainerBlob("vm01.raw", "page", 2 * MiB + 512)],
            blobs);
        Assert.Equal([false, false, true], blobs.Select(b => b.IsPageBlob));
    }

    [Fact]
    public async Task ListBlobsAsync_OfAMissingContainer_SaysSo_WithoutCreatingIt()
    {
        var container = _account.NewContainer();

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() => container.ListBlobsAsync());

        Assert.Equal(CloudFailure.ContainerNotFound, e.Failure);
        Assert.Equal("ContainerNotFound", e.ErrorCode);
        Assert.StartsWith($"Could not list the blobs of container '{container.Name}' at {_account.BlobEndpoint}:",
            e.Message);
        Assert.False((await _account.Container(container.Name).ExistsAsync()).Value);
    }

    [Fact]
    public async Task ListBlobsAsync_WithASasThatCannotList_NamesTheListPermission()
    {
        var container = await _account.CreateContainerAsync();
        var sasUrl = _account.ContainerSasUrl(container, BlobContainerSasPermissions.Read);

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            AzuriteAccount.ThroughSas(sasUrl, AzuriteAccount.QuickRetries()).ListBlobsAsync());

        Assert.Equal(CloudFailure.AccessDenied, e.Failure);
        Assert.Contains("list (l)", e.Message);
        Assert.DoesNotContain(AzuriteAccount.SignatureOf(sasUrl), e.Message);
    }

    [Fact]
    public async Task CreateIfMissingAsync_CreatesItOnce_AndRefusesASasUrl()
    {
        var container = _account.NewContainer();

        Assert.True(await container.CreateIfMissingAsync());
        Assert.False(await container.CreateIfMissingAsync());

        Assert.True((await _account.Container(container.Name).ExistsAsync()).Value);
        var sasUrl = _account.ContainerSasUrl(container.Name, BlobContainerSasPermissions.All);
        await Assert.ThrowsAsync<ArgumentException>(() => AzuriteAccount.ThroughSas(sasUrl).CreateIfMissingAsync());
    }

    [Fact]
    public async Task DeleteAsync_RemovesThePageBlob()
    {
        var container = _account.NewContainer();
        var blobName = AzuriteAccount.NewBlobName();
        var store = await container.CreatePageBlobAsync(blobName, MiB, overwrite: false);

        await store.DeleteAsync();
        await store.DeleteAsync(); // already gone: still fine

        var blob = _account.Container(container.Name).GetBlobClient(blobName);
        Assert.False((await blob.ExistsAsync()).Value);
    }

    [Fact]
    public async Task DeletePageBlobAsync_RemovesThePageBlob_ByName_ThroughASasThatMayDelete()
    {
        var container = await _account.CreateContainerAsync();
        await _account.Container(container).GetPageBlobClient("vm01.vhd").CreateAsync(MiB);
        var throughSas = AzuriteAccount.ThroughSas(_account.ContainerSasUrl(container, BlobContainerSasPermissions.Delete));

        await throughSas.DeletePageBlobAsync("vm01.vhd");
        await throughSas.DeletePageBlobAsync("vm01.vhd"); // already gone: still fine

        Assert.False((await _account.Container(container).GetBlobClient("vm01.vhd").ExistsAsync()).Value);
    }

    [Fact]
    public async Task DeletePageBlobAsync_WithASasThatCannotDelete_NamesTheDeletePermission()
    {
        var container = await _account.CreateContainerAsync();
        await _account.Container(container).GetPageBlobClient("vm01.vhd").CreateAsync(MiB);
        var sasUrl = _account.ContainerSasUrl(container, BlobContainerSasPermissions.Read);

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            AzuriteAccount.ThroughSas(sasUrl, AzuriteAccount.QuickRetries()).DeletePageBlobAsync("vm01.vhd"));

        Assert.Equal(CloudFailure.AccessDenied, e.Failure);
        Assert.Contains("page blob 'vm01.vhd'", e.Message);
        Assert.Contains("delete (d)", e.Message);
        Assert.DoesNotContain(AzuriteAccount.SignatureOf(sasUrl), e.ToString());
    }
}
