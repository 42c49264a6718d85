using RestoreAgents.Testing;

namespace RestoreAgents.Cloud.Tests;

/// <summary>Listing and deleting the page blobs of a container (what `restorectl mount` shows as files).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PageBlobContainerTests(AzuriteFixture azurite)
{
    private readonly AzuriteAccount _account = new(azurite);

    [Fact]
    public async Task ListAsync_ReturnsThePageBlobsWithTheirSizes_AndLeavesBlockBlobsOut()
    {
        var destination = _account.NewDestination();
        await PageBlobStoreFactory.CreateAsync(destination, 2048, overwrite: false, new PageBlobStoreOptions());
        await PageBlobStoreFactory.CreateAsync(destination with { BlobName = "folder/second.vhd" }, 4096,
            overwrite: false, new PageBlobStoreOptions());
        await _account.Container(destination.Container).UploadBlobAsync("notes.txt", BinaryData.FromString("x"));

        var listed = await PageBlobStoreFactory.ListAsync(destination with { BlobName = "" },
            new PageBlobStoreOptions());

        Assert.Equal(
            [new PageBlobListing("folder/second.vhd", 4096), new PageBlobListing(destination.BlobName, 2048)],
            listed.OrderBy(b => b.Name, StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListAsync_OfAMissingContainer_SaysSoNamingIt()
    {
        var destination = _account.NewDestination();

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            PageBlobStoreFactory.ListAsync(destination, new PageBlobStoreOptions()));

        Assert.Equal(CloudFailure.ContainerNotFound, e.Failure);
        Assert.Contains($"container '{destination.Container}'", e.Message);
    }

    [Fact]
    public async Task DeleteAsync_RemovesTheBlob_AndSaysWhetherItWasThere()
    {
        var destination = _account.NewDestination();
        await PageBlobStoreFactory.CreateAsync(destination, 512, overwrite: false, new PageBlobStoreOptions());

        Assert.True(await PageBlobStoreFactory.DeleteAsync(destination, new PageBlobStoreOptions()));
        Assert.False(await PageBlobStoreFactory.DeleteAsync(destination, new PageBlobStoreOptions()));
        Assert.False((await _account.Container(destination.Container).GetBlobClient(destination.BlobName)
            .ExistsAsync()).Value);
    }
}
