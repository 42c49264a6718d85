using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using RestoreAgents.Testing;

namespace RestoreAgents.Cloud.Tests;

[Requires(RealPart.Azurite)]
[Collection(AzuriteCollection.Name)]
public sealed class PageBlobStoreFactoryTests(AzuriteFixture azurite)
{
    private const int MiB = 1024 * 1024;
    private const BlobContainerSasPermissions ReadCreateWrite =
        BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write;

    private readonly AzuriteAccount _account = new(azurite);

    [Fact]
    public async Task CreateAsync_MakesAPageBlobOfTheFinalSize_AndItsMissingContainer()
    {
        var destination = _account.NewDestination();
        Assert.False((await _account.Container(destination.Container).ExistsAsync()).Value);

        var store = await PageBlobStoreFactory.CreateAsync(destination, 3 * MiB + 512, overwrite: false,
            new CloudOptions());

        var properties = (await _account.Container(destination.Container).GetBlobClient(destination.BlobName)
            .GetPropertiesAsync()).Value;
        Assert.Equal(BlobType.Page, properties.BlobType);
        Assert.Equal(3 * MiB + 512, properties.ContentLength);
        Assert.Equal(3 * MiB + 512, store.Size);
    }

    [Fact]
    public async Task CreateAsync_RefusesABlobThatExists_WithAMessageThatSaysOverwrite()
    {
        var destination = _account.NewDestination();
        await PageBlobStoreFactory.CreateAsync(destination, MiB, overwrite: false, new CloudOptions());

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            PageBlobStoreFactory.CreateAsync(destination, MiB, overwrite: false, new CloudOptions()));

        Assert.Equal(CloudFailure.BlobAlreadyExists, e.Failure);
        Assert.Contains("already exists", e.Message);
        Assert.Contains("overwrite", e.Message);
        Assert.Contains($"page blob '{destination.BlobName}' in container '{destination.Container}' at {_account.BlobEndpoint}",
            e.Message);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, e.ToString());
    }

    [Fact]
    public async Task CreateAsync_WithOverwrite_ReplacesTheBlob_WithAnEmptyOneOfTheNewSize()
    {
        var destination = _account.NewDestination();
        var first = await PageBlobStoreFactory.CreateAsync(destination, MiB, overwrite: false, new CloudOptions());
        await first.WritePagesAsync(0, TestBytes.NonZero(4096, seed: 1));

        var second = await PageBlobStoreFactory.CreateAsync(destination, 2 * MiB, overwrite: true,
            new CloudOptions());

        Assert.Equal(2 * MiB, second.Size);
        var back = new byte[4096];
        await second.ReadAsync(0, back);
        Assert.True(back.AsSpan().IndexOfAnyExcept((byte)0) < 0, "the replaced blob kept the old pages");
        Assert.Empty(await second.GetPageRangesAsync());
    }

    [Fact]
    public async Task CreateAsync_WithAContainerSasUrl_WritesAndReads_AndItsNameHasNoSecret()
    {
        var container = await _account.CreateContainerAsync();
        var sasUrl = _account.ContainerSasUrl(container, ReadCreateWrite);
        var destination = new PageBlobDestination(null, sasUrl, "", AzuriteAccount.NewBlobName());

        var store = await PageBlobStoreFactory.CreateAsync(destination, MiB, overwrite: false,
            new CloudOptions());
        var data = TestBytes.NonZero(8192, seed: 2);
        await store.WritePagesAsync(4096, data);

        var back = new byte[8192];
        await store.ReadAsync(4096, back);
        Assert.Equal(data, back);
        Assert.Equal(container, store.Container);
        Assert.Equal($"{_account.BlobEndpoint}/{container}/{destination.BlobName}", store.Name);
        Assert.DoesNotContain(AzuriteAccount.SignatureOf(sasUrl), store.Name);
    }

    [Fact]
    public async Task CreateAsync_WithASasThatCannotWrite_ReportsAccessDenied_NamingTheBlob_WithoutTheSignature()
    {
        var container = await _account.CreateContainerAsync();
        var sasUrl = _account.ContainerSasUrl(container, BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List);
        var destination = new PageBlobDestination(null, sasUrl, container, AzuriteAccount.NewBlobName());

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            PageBlobStoreFactory.CreateAsync(destination, MiB, overwrite: false, AzuriteAccount.QuickRetries()));

        Assert.Equal(CloudFailure.AccessDenied, e.Failure);
        Assert.Equal(403, e.Status);
        Assert.Contains($"page blob '{destination.BlobName}' in container '{container}'", e.Message);
        Assert.Contains("SAS", e.Message);
        Assert.Contains("write", e.Message);
        var everything = e.ToString();
        var signature = AzuriteAccount.SignatureOf(sasUrl);
        Assert.DoesNotContain(signature, everything);
        Assert.DoesNotContain(Uri.EscapeDataString(signature), everything);
        Assert.DoesNotContain("sig=", everything);
    }

    [Fact]
    public async Task CreateAsync_WithAContainerSas_ForAMissingContainer_SaysToCreateItFirst()
    {
        var container = AzuriteAccount.NewContainerName();
        var destination = new PageBlobDestination(null, _account.ContainerSasUrl(container, ReadCreateWrite), "",
            AzuriteAccount.NewBlobName());

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            PageBlobStoreFactory.CreateAsync(destination, MiB, overwrite: false, AzuriteAccount.QuickRetries()));

        Assert.Equal(CloudFailure.ContainerNotFound, e.Failure);
        Assert.Contains($"container '{container}'", e.Message);
        Assert.Contains("create it first", e.Message);
        Assert.False((await _account.Container(container).ExistsAsync()).Value);
    }

    [Fact]
    public async Task CreateAsync_WithAWrongAccountKey_ReportsAccessDenied_WithoutTheKey()
    {
        const string WrongKey = "V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3Jvbmc=";
        var connectionString = _account.ConnectionString.Replace(AzuriteFixture.AccountKey, WrongKey);
        var destination = new PageBlobDestination(connectionString, null, AzuriteAccount.NewContainerName(),
            AzuriteAccount.NewBlobName());

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            PageBlobStoreFactory.CreateAsync(destination, MiB, overwrite: false, AzuriteAccount.QuickRetries()));

        Assert.Equal(CloudFailure.AccessDenied, e.Failure);
        Assert.Contains("account name and key", e.Message);
        Assert.DoesNotContain(WrongKey, e.ToString());
    }

    [Fact]
    public async Task CreateAsync_ToAnEndpointWithNothingListening_FailsAfterTheConfiguredRetries()
    {
        int port = FreePort.Next();
        var connectionString = _account.ConnectionString.Replace($"127.0.0.1:{azurite.Port}", $"127.0.0.1:{port}");
        var destination = new PageBlobDestination(connectionString, null, "restores", "disk.vhd");
        var options = AzuriteAccount.QuickRetries(maxRetries: 2);
        var recorder = new RecordingPolicy();
        recorder.AddTo(options);

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            PageBlobStoreFactory.CreateAsync(destination, MiB, overwrite: false, options));

        Assert.Equal(CloudFailure.Unreachable, e.Failure);
        Assert.Equal(3, recorder.Sent.Count); // the first try and two retries
        Assert.Contains("could not be reached", e.Message);
        Assert.Contains("2 retries", e.Message);
        Assert.Contains($"http://127.0.0.1:{port}/{AzuriteFixture.AccountName}", e.Message);
        Assert.Contains("page blob 'disk.vhd' in container 'restores'", e.Message);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, e.ToString());
    }

    [Fact]
    public async Task CreateAsync_ToAThrottlingService_FailsAfterTheConfiguredRetries_SayingItIsBusy()
    {
        await using var throttling = new ThrottlingEndpoint();
        var destination = new PageBlobDestination(null,
            _account.ContainerSasUrl("restores", ReadCreateWrite, throttling.BlobEndpoint), "", "disk.vhd");

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            PageBlobStoreFactory.CreateAsync(destination, MiB, overwrite: false, AzuriteAccount.QuickRetries(3)));

        Assert.Equal(CloudFailure.ServiceBusy, e.Failure);
        Assert.Equal(4, throttling.Requests);
        Assert.Equal(503, e.Status);
        Assert.Equal("ServerBusy", e.ErrorCode);
        Assert.Contains("503 ServerBusy", e.Message);
        Assert.Contains("3 retries", e.Message);
        Assert.Contains($"page blob 'disk.vhd' in container 'restores' at {throttling.BlobEndpoint}", e.Message);
    }

    [Fact]
    public async Task CreateAsync_ToAnEndpointThatNeverAnswers_TimesOutAfterTheConfiguredRetries()
    {
        await using var silent = new SilentEndpoint();
        var endpoint = $"http://127.0.0.1:{silent.Port}/{AzuriteFixture.AccountName}";
        var destination = new PageBlobDestination(null,
            _account.ContainerSasUrl("restores", ReadCreateWrite, endpoint), "", "disk.vhd");
        var options = AzuriteAccount.QuickRetries(maxRetries: 1);
        options.NetworkTimeout = TimeSpan.FromMilliseconds(300);
        var recorder = new RecordingPolicy();
        recorder.AddTo(options);

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            PageBlobStoreFactory.CreateAsync(destination, MiB, overwrite: false, options));

        Assert.Equal(CloudFailure.TimedOut, e.Failure);
        Assert.Equal(2, recorder.Sent.Count);
        Assert.Contains("did not answer within the network timeout of 00:00:00.3000000", e.Message);
        Assert.Contains("1 retry", e.Message);
        Assert.Contains($"page blob 'disk.vhd' in container 'restores' at {endpoint}", e.Message);
    }

    [Fact]
    public async Task CreateAsync_RejectsASizeThatIsNotWholePages_BeforeAnyRequest()
    {
        var options = new CloudOptions();
        var recorder = new RecordingPolicy();
        recorder.AddTo(options);

        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            PageBlobStoreFactory.CreateAsync(_account.NewDestination(), MiB + 100, overwrite: false, options));

        Assert.Contains($"size {MiB + 100}", e.Message);
        Assert.Empty(recorder.Sent);
    }

    [Fact]
    public async Task CreateAsync_RejectsAnInvalidDestination_BeforeAnyRequest()
    {
        var options = new CloudOptions();
        var recorder = new RecordingPolicy();
        recorder.AddTo(options);
        var destination = new PageBlobDestination(_account.ConnectionString, null, "Not_Valid", "disk.vhd");

        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            PageBlobStoreFactory.CreateAsync(destination, MiB, overwrite: false, options));

        Assert.Contains("container name 'Not_Valid'", e.Message);
        Assert.Empty(recorder.Sent);
    }

    [Fact]
    public async Task OpenAsync_OpensAnExistingPageBlob_AtItsSize_WithItsPages()
    {
        var destination = _account.NewDestination();
        var created = await PageBlobStoreFactory.CreateAsync(destination, 2 * MiB, overwrite: false,
            new CloudOptions());
        var data = TestBytes.NonZero(4096, seed: 3);
        await created.WritePagesAsync(MiB, data);

        var opened = await PageBlobStoreFactory.OpenAsync(destination, new CloudOptions());

        Assert.Equal(2 * MiB, opened.Size);
        Assert.Equal(created.Name, opened.Name);
        var back = new byte[4096];
        await opened.ReadAsync(MiB, back);
        Assert.Equal(data, back);
    }

    [Fact]
    public async Task OpenAsync_OfAMissingBlob_SaysItDoesNotExist()
    {
        var container = await _account.CreateContainerAsync();
        var destination = _account.NewDestination(container);

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            PageBlobStoreFactory.OpenAsync(destination, AzuriteAccount.QuickRetries()));

        Assert.Equal(CloudFailure.BlobNotFound, e.Failure);
        Assert.Contains($"Could not open page blob '{destination.BlobName}' in container '{container}'", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public async Task OpenAsync_OfABlockBlob_SaysItIsNotAPageBlob()
    {
        var container = await _account.CreateContainerAsync();
        var destination = _account.NewDestination(container);
        await _account.Container(container).UploadBlobAsync(destination.BlobName, BinaryData.FromString("not a disk"));

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            PageBlobStoreFactory.OpenAsync(destination, AzuriteAccount.QuickRetries()));

        Assert.Equal(CloudFailure.NotAPageBlob, e.Failure);
        Assert.Contains("block blob, not a page blob", e.Message);
    }
}
