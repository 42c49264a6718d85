using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using RestoreAgents.Testing;

namespace RestoreAgents.Cloud.Tests;

[Requires(RealPart.Azurite)]
[Collection(AzuriteCollection.Name)]
public sealed class PageBlobContainerTests(AzuriteFixture azurite)
{
    private const int MiB = 1024 * 1024;
    private const BlobContainerSasPermissions ReadCreateWrite =
        BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write;

    private readonly AzuriteAccount _account = new(azurite);

    private static PageBlobContainer Container(string connectionString, string name, CloudOptions options) =>
        new StorageAccountClient(new ConnectionStringCredentials(connectionString), options).GetContainer(name);

    [Fact]
    public async Task CreatePageBlobAsync_MakesAPageBlobOfTheFinalSize_AndItsMissingContainer()
    {
        var container = _account.NewContainer();
        var blobName = AzuriteAccount.NewBlobName();
        Assert.False((await _account.Container(container.Name).ExistsAsync()).Value);

        var store = await container.CreatePageBlobAsync(blobName, 3 * MiB + 512, overwrite: false);

        var properties = (await _account.Container(container.Name).GetBlobClient(blobName)
            .GetPropertiesAsync()).Value;
        Assert.Equal(BlobType.Page, properties.BlobType);
        Assert.Equal(3 * MiB + 512, properties.ContentLength);
        Assert.Equal(3 * MiB + 512, store.Size);
    }

    [Fact]
    public async Task CreatePageBlobAsync_RefusesABlobThatExists_WithAMessageThatSaysOverwrite()
    {
        var container = _account.NewContainer();
        var blobName = AzuriteAccount.NewBlobName();
        await container.CreatePageBlobAsync(blobName, MiB, overwrite: false);

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            container.CreatePageBlobAsync(blobName, MiB, overwrite: false));

        Assert.Equal(CloudFailure.BlobAlreadyExists, e.Failure);
        Assert.Equal((409, "BlobAlreadyExists"), (e.Status, e.ErrorCode));
        Assert.Contains("already exists", e.Message);
        Assert.Contains("overwrite", e.Message);
        Assert.Contains($"page blob '{blobName}' in container '{container.Name}' at {_account.BlobEndpoint}",
            e.Message);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, e.ToString());
    }

    [Fact]
    public async Task CreatePageBlobAsync_WithOverwrite_ReplacesTheBlob_WithAnEmptyOneOfTheNewSize()
    {
        var container = _account.NewContainer();
        var blobName = AzuriteAccount.NewBlobName();
        var first = await container.CreatePageBlobAsync(blobName, MiB, overwrite: false);
        await first.WritePagesAsync(0, TestBytes.NonZero(4096, seed: 1));

        var second = await container.CreatePageBlobAsync(blobName, 2 * MiB, overwrite: true);

        Assert.Equal(2 * MiB, second.Size);
        var back = new byte[4096];
        await second.ReadAsync(0, back);
        Assert.True(back.AsSpan().IndexOfAnyExcept((byte)0) < 0, "the replaced blob kept the old pages");
        Assert.Empty(await second.GetPageRangesAsync());
    }

    [Fact]
    public async Task CreatePageBlobAsync_WithAContainerSasUrl_WritesAndReads_AndItsNameHasNoSecret()
    {
        var container = await _account.CreateContainerAsync();
        var sasUrl = _account.ContainerSasUrl(container, ReadCreateWrite);
        var blobName = AzuriteAccount.NewBlobName();

        var store = await AzuriteAccount.ThroughSas(sasUrl).CreatePageBlobAsync(blobName, MiB, overwrite: false);
        var data = TestBytes.NonZero(8192, seed: 2);
        await store.WritePagesAsync(4096, data);

        var back = new byte[8192];
        await store.ReadAsync(4096, back);
        Assert.Equal(data, back);
        Assert.Equal(container, store.Container);
        Assert.Equal($"{_account.BlobEndpoint}/{container}/{blobName}", store.Name);
        Assert.DoesNotContain(AzuriteAccount.SignatureOf(sasUrl), store.Name);
    }

    [Fact]
    public async Task CreatePageBlobAsync_WithASasThatCannotWrite_ReportsAccessDenied_NamingTheBlob_WithoutTheSignature()
    {
        var container = await _account.CreateContainerAsync();
        var sasUrl = _account.ContainerSasUrl(container, BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List);
        var blobName = AzuriteAccount.NewBlobName();

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            AzuriteAccount.ThroughSas(sasUrl, AzuriteAccount.QuickRetries())
                .CreatePageBlobAsync(blobName, MiB, overwrite: false));

        Assert.Equal(CloudFailure.AccessDenied, e.Failure);
        Assert.Equal(403, e.Status);
        Assert.Contains($"page blob '{blobName}' in container '{container}'", e.Message);
        Assert.Contains("SAS", e.Message);
        Assert.Contains("write", e.Message);
        var everything = e.ToString();
        var signature = AzuriteAccount.SignatureOf(sasUrl);
        Assert.DoesNotContain(signature, everything);
        Assert.DoesNotContain(Uri.EscapeDataString(signature), everything);
        Assert.DoesNotContain("sig=", everything);
    }

    [Fact]
    public async Task CreatePageBlobAsync_WithAContainerSas_ForAMissingContainer_SaysToCreateItFirst()
    {
        var container = AzuriteAccount.NewContainerName();
        var throughSas = AzuriteAccount.ThroughSas(_account.ContainerSasUrl(container, ReadCreateWrite),
            AzuriteAccount.QuickRetries());

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            throughSas.CreatePageBlobAsync(AzuriteAccount.NewBlobName(), MiB, overwrite: false));

        Assert.Equal(CloudFailure.ContainerNotFound, e.Failure);
        Assert.Contains($"container '{container}'", e.Message);
        Assert.Contains("create it first", e.Message);
        Assert.False((await _account.Container(container).ExistsAsync()).Value);
    }

    [Fact]
    public async Task CreatePageBlobAsync_WithAWrongAccountKey_ReportsAccessDenied_WithoutTheKey()
    {
        const string WrongKey = "V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3Jvbmc=";
        var connectionString = _account.ConnectionString.Replace(AzuriteFixture.AccountKey, WrongKey);
        var container = Container(connectionString, AzuriteAccount.NewContainerName(), AzuriteAccount.QuickRetries());

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            container.CreatePageBlobAsync(AzuriteAccount.NewBlobName(), MiB, overwrite: false));

        Assert.Equal(CloudFailure.AccessDenied, e.Failure);
        Assert.Contains("account name and key", e.Message);
        Assert.DoesNotContain(WrongKey, e.ToString());
    }

    [Fact]
    public async Task CreatePageBlobAsync_ToAnEndpointWithNothingListening_FailsAfterTheConfiguredRetries()
    {
        int port = FreePort.Next();
        var connectionString = _account.ConnectionString.Replace($"127.0.0.1:{azurite.Port}", $"127.0.0.1:{port}");
        var options = AzuriteAccount.QuickRetries(maxRetries: 2);
        var recorder = new RecordingPolicy();
        recorder.AddTo(options);
        var container = Container(connectionString, "restores", options);

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            container.CreatePageBlobAsync("disk.vhd", MiB, overwrite: false));

        Assert.Equal(CloudFailure.Unreachable, e.Failure);
        Assert.Equal(3, recorder.Sent.Count); // the first try and two retries
        Assert.Contains("could not be reached", e.Message);
        Assert.Contains("2 retries", e.Message);
        Assert.Contains($"http://127.0.0.1:{port}/{AzuriteFixture.AccountName}", e.Message);
        Assert.Contains("page blob 'disk.vhd' in container 'restores'", e.Message);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, e.ToString());
    }

    [Fact]
    public async Task CreatePageBlobAsync_ToAThrottlingService_FailsAfterTheConfiguredRetries_SayingItIsBusy()
    {
        await using var throttling = new ThrottlingEndpoint();
        var container = AzuriteAccount.ThroughSas(
            _account.ContainerSasUrl("restores", ReadCreateWrite, throttling.BlobEndpoint), AzuriteAccount.QuickRetries(3));

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            container.CreatePageBlobAsync("disk.vhd", MiB, overwrite: false));

        Assert.Equal(CloudFailure.ServiceBusy, e.Failure);
        Assert.Equal(4, throttling.Requests);
        Assert.Equal(503, e.Status);
        Assert.Equal("ServerBusy", e.ErrorCode);
        Assert.Contains("503 ServerBusy", e.Message);
        Assert.Contains("3 retries", e.Message);
        Assert.Contains($"page blob 'disk.vhd' in container 'restores' at {throttling.BlobEndpoint}", e.Message);
    }

    [Fact]
    public async Task CreatePageBlobAsync_ToAnEndpointThatNeverAnswers_TimesOutAfterTheConfiguredRetries()
    {
        await using var silent = new SilentEndpoint();
        var endpoint = $"http://127.0.0.1:{silent.Port}/{AzuriteFixture.AccountName}";
        var options = AzuriteAccount.QuickRetries(maxRetries: 1);
        options.NetworkTimeout = TimeSpan.FromMilliseconds(300);
        var recorder = new RecordingPolicy();
        recorder.AddTo(options);
        var container = AzuriteAccount.ThroughSas(_account.ContainerSasUrl("restores", ReadCreateWrite, endpoint), options);

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            container.CreatePageBlobAsync("disk.vhd", MiB, overwrite: false));

        Assert.Equal(CloudFailure.TimedOut, e.Failure);
        Assert.Equal(2, recorder.Sent.Count);
        Assert.Contains("did not answer within the network timeout of 00:00:00.3000000", e.Message);
        Assert.Contains("1 retry", e.Message);
        Assert.Contains($"page blob 'disk.vhd' in container 'restores' at {endpoint}", e.Message);
    }

    [Fact]
    public async Task CreatePageBlobAsync_RejectsASizeThatIsNotWholePages_BeforeAnyRequest()
    {
        var options = new CloudOptions();
        var recorder = new RecordingPolicy();
        recorder.AddTo(options);

        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            _account.NewContainer(options: options).CreatePageBlobAsync("disk.vhd", MiB + 100, overwrite: false));

        Assert.Contains($"size {MiB + 100}", e.Message);
        Assert.Empty(recorder.Sent);
    }

    [Fact]
    public async Task CreatePageBlobAsync_RejectsABlobNameAzureCannotKeep_BeforeAnyRequest()
    {
        var options = new CloudOptions();
        var recorder = new RecordingPolicy();
        recorder.AddTo(options);

        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            _account.NewContainer("restores", options).CreatePageBlobAsync("disk.", MiB, overwrite: false));

        Assert.StartsWith("Invalid page blob 'disk.' in container 'restores' at ", e.Message);
        Assert.Contains("ends with '.'", e.Message);
        Assert.Empty(recorder.Sent);
    }

    [Theory]
    [InlineData("../../internal/admin/reset")]
    [InlineData("restores/./disk.vhd")]
    [InlineData(@"restores\disk.vhd")]
    [InlineData("disk\u0001.vhd")]
    public async Task EveryBlobCall_RefusesANameAUrlWouldRewrite_BeforeAnyRequest(string blobName)
    {
        var options = new CloudOptions();
        var recorder = new RecordingPolicy();
        recorder.AddTo(options);
        var container = _account.NewContainer("restores", options);

        await Assert.ThrowsAsync<ArgumentException>(() => container.CreatePageBlobAsync(blobName, MiB, overwrite: true));
        await Assert.ThrowsAsync<ArgumentException>(() => container.OpenPageBlobAsync(blobName));
        await Assert.ThrowsAsync<ArgumentException>(() => container.DeletePageBlobAsync(blobName));

        Assert.Empty(recorder.Sent);
    }

    [Fact]
    public async Task OpenPageBlobAsync_OpensAnExistingPageBlob_AtItsSize_WithItsPages()
    {
        var container = _account.NewContainer();
        var blobName = AzuriteAccount.NewBlobName();
        var created = await container.CreatePageBlobAsync(blobName, 2 * MiB, overwrite: false);
        var data = TestBytes.NonZero(4096, seed: 3);
        await created.WritePagesAsync(MiB, data);

        var opened = await _account.NewContainer(container.Name).OpenPageBlobAsync(blobName);

        Assert.Equal(2 * MiB, opened.Size);
        Assert.Equal(created.Name, opened.Name);
        var back = new byte[4096];
        await opened.ReadAsync(MiB, back);
        Assert.Equal(data, back);
    }

    [Fact]
    public async Task OpenPageBlobAsync_OfAMissingBlob_SaysItDoesNotExist()
    {
        var container = await _account.CreateContainerAsync();
        var blobName = AzuriteAccount.NewBlobName();

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            _account.NewContainer(container, AzuriteAccount.QuickRetries()).OpenPageBlobAsync(blobName));

        Assert.Equal(CloudFailure.BlobNotFound, e.Failure);
        Assert.Equal("BlobNotFound", e.ErrorCode);
        Assert.Contains($"Could not open page blob '{blobName}' in container '{container}'", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public async Task OpenPageBlobAsync_OfABlockBlob_SaysItIsNotAPageBlob()
    {
        var container = await _account.CreateContainerAsync();
        var blobName = AzuriteAccount.NewBlobName();
        await _account.Container(container).UploadBlobAsync(blobName, BinaryData.FromString("not a disk"));

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            _account.NewContainer(container, AzuriteAccount.QuickRetries()).OpenPageBlobAsync(blobName));

        Assert.Equal(CloudFailure.NotAPageBlob, e.Failure);
        Assert.Contains("block blob, not a page blob", e.Message);
    }
}
