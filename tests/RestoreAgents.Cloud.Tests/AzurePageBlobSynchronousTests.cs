using Azure.Storage.Blobs.Models;
using RestoreAgents.Testing;

namespace RestoreAgents.Cloud.Tests;

/// <summary>
/// The synchronous calls a FUSE thread makes (read a page, create and delete a file's blob): the SDK's own
/// synchronous pipeline, never an asynchronous call waited on.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzurePageBlobSynchronousTests(AzuriteFixture azurite)
{
    private const int MiB = 1024 * 1024;
    private readonly AzuriteAccount _account = new(azurite);

    [Fact]
    public async Task Read_ReturnsThePagesWritten_AndZerosElsewhere_ThroughTheSynchronousPipeline()
    {
        var mode = new PipelineModePolicy();
        var options = new CloudOptions();
        mode.AddTo(options);
        var blob = await _account.NewContainer(options: options)
            .CreatePageBlobAsync(AzuriteAccount.NewBlobName(), 2 * MiB, overwrite: false);
        var data = TestBytes.NonZero(4096, seed: 1);
        await blob.WritePagesAsync(MiB, data);
        mode.Clear();
        var back = new byte[8192];
        back.AsSpan().Fill(0xEE); // whatever the read does not fill would show

        blob.Read(MiB - 1000, back);

        Assert.True(back.AsSpan(0, 1000).IndexOfAnyExcept((byte)0) < 0, "bytes before the written page are not zero");
        Assert.Equal(data, back[1000..5096]);
        Assert.True(back.AsSpan(5096).IndexOfAnyExcept((byte)0) < 0, "bytes after the written page are not zero");
        Assert.True(mode.Synchronous > 0, "the read sent no request through the synchronous pipeline");
        Assert.Equal(0, mode.Asynchronous);
    }

    [Fact]
    public async Task Read_ThatFails_NamesTheOffset_LikeReadAsync()
    {
        var blob = await _account.NewContainer().CreatePageBlobAsync(AzuriteAccount.NewBlobName(), MiB,
            overwrite: false);
        await _account.Container(blob.Container).GetBlobClient(blob.BlobName).DeleteAsync();

        var e = Assert.Throws<CloudDestinationException>(() => blob.Read(4096, new byte[512]));

        Assert.Equal(CloudFailure.BlobNotFound, e.Failure);
        Assert.Equal(4096, e.Offset);
        Assert.Contains("read 512 bytes at offset 4096", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => blob.Read(MiB - 256, new byte[512]));
    }

    [Fact]
    public async Task Create_MakesThePageBlobAndItsContainer_AndRefusesOneThatExists_Synchronously()
    {
        var mode = new PipelineModePolicy();
        var options = new CloudOptions();
        mode.AddTo(options);
        var container = _account.NewContainer(options: options);
        var blobName = AzuriteAccount.NewBlobName();

        var blob = container.CreatePageBlob(blobName, 3 * MiB + 512, overwrite: false);

        var properties = (await _account.Container(container.Name).GetBlobClient(blobName)
            .GetPropertiesAsync()).Value;
        Assert.Equal(BlobType.Page, properties.BlobType);
        Assert.Equal(3 * MiB + 512, properties.ContentLength);
        Assert.Equal(3 * MiB + 512, blob.Size);
        var again = Assert.Throws<CloudDestinationException>(
            () => container.CreatePageBlob(blobName, MiB, overwrite: false));
        Assert.Equal(CloudFailure.BlobAlreadyExists, again.Failure);
        Assert.True(mode.Synchronous >= 4, $"{mode.Synchronous} synchronous requests for two container and blob creates");
        Assert.Equal(0, mode.Asynchronous);
    }

    [Fact]
    public async Task Delete_RemovesTheBlob_AndABlobAlreadyGoneCountsAsDeleted_Synchronously()
    {
        var mode = new PipelineModePolicy();
        var options = new CloudOptions();
        mode.AddTo(options);
        var blob = await _account.NewContainer(options: options)
            .CreatePageBlobAsync(AzuriteAccount.NewBlobName(), MiB, overwrite: false);
        mode.Clear();

        blob.Delete();
        blob.Delete();

        Assert.False((await _account.Container(blob.Container).GetBlobClient(blob.BlobName).ExistsAsync()).Value);
        Assert.Equal(2, mode.Synchronous);
        Assert.Equal(0, mode.Asynchronous);
    }
}
