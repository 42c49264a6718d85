using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Azure.Storage.Sas;
using RestoreAgents.Testing;

namespace RestoreAgents.Cloud.Tests;

[Requires(RealPart.Azurite)]
[Collection(AzuriteCollection.Name)]
public sealed class AzurePageBlobTests(AzuriteFixture azurite)
{
    private const int MiB = 1024 * 1024;
    private readonly AzuriteAccount _account = new(azurite);

    private async Task<AzurePageBlob> CreateAsync(long size, RecordingPolicy? recorder = null)
    {
        var options = new CloudOptions();
        recorder?.AddTo(options);
        return await _account.NewContainer(options: options)
            .CreatePageBlobAsync(AzuriteAccount.NewBlobName(), size, overwrite: false);
    }

    [Fact]
    public async Task AzurePageBlob_ReadsBackPagesItWrote()
    {
        var store = await CreateAsync(8 * MiB);
        var first = TestBytes.NonZero(4 * MiB, seed: 1);
        var second = TestBytes.NonZero(3 * 512, seed: 2);

        await store.WritePagesAsync(0, first);
        await store.WritePagesAsync(6 * MiB + 1024, second);

        var back = new byte[4 * MiB];
        await store.ReadAsync(0, back);
        Assert.Equal(first, back);
        var smallBack = new byte[second.Length];
        await store.ReadAsync(6 * MiB + 1024, smallBack);
        Assert.Equal(second, smallBack);
    }

    [Fact]
    public async Task AzurePageBlob_ReadsZeros_WherePagesWereNeverWritten()
    {
        var store = await CreateAsync(2 * MiB);
        var data = TestBytes.NonZero(4096, seed: 3);
        await store.WritePagesAsync(MiB, data);

        var back = new byte[2 * MiB];
        back.AsSpan().Fill(0xEE); // whatever the read does not fill would show
        await store.ReadAsync(0, back);

        Assert.True(back.AsSpan(0, MiB).IndexOfAnyExcept((byte)0) < 0, "bytes before the written page are not zero");
        Assert.Equal(data, back[MiB..(MiB + 4096)]);
        Assert.True(back.AsSpan(MiB + 4096).IndexOfAnyExcept((byte)0) < 0, "bytes after the written page are not zero");
    }

    [Fact]
    public async Task AzurePageBlob_ReadsAnUnalignedRange()
    {
        var store = await CreateAsync(MiB);
        var data = TestBytes.NonZero(2048, seed: 4);
        await store.WritePagesAsync(512, data);

        var back = new byte[1000];
        await store.ReadAsync(700, back);

        Assert.Equal(data[188..1188], back);
    }

    [Fact]
    public async Task AzurePageBlob_WritesExactly4MiB_AndRejects4MiBPlus512_BeforeAnyRequest()
    {
        var recorder = new RecordingPolicy();
        var store = await CreateAsync(16 * MiB, recorder);
        recorder.Clear();

        var tooLarge = await Assert.ThrowsAsync<ArgumentException>(
            () => store.WritePagesAsync(0, new byte[4 * MiB + 512]).AsTask());
        Assert.Contains("4194816 bytes", tooLarge.Message);
        Assert.Contains("4 MiB", tooLarge.Message);
        Assert.Contains(store.Name, tooLarge.Message);
        Assert.Empty(recorder.Sent);

        await store.WritePagesAsync(4 * MiB, TestBytes.NonZero(4 * MiB, seed: 5));
        Assert.Single(recorder.PutPages);
    }

    [Theory]
    [InlineData(100, 512)]
    [InlineData(0, 100)]
    [InlineData(512, 1000)]
    [InlineData(4096, 0)]
    public async Task AzurePageBlob_RejectsWritesThatAreNotWholePages_BeforeAnyRequest(long offset, int length)
    {
        var recorder = new RecordingPolicy();
        var store = await CreateAsync(MiB, recorder);
        recorder.Clear();

        var e = await Assert.ThrowsAsync<ArgumentException>(
            () => store.WritePagesAsync(offset, new byte[length]).AsTask());

        Assert.Contains($"{length} bytes at offset {offset}", e.Message);
        Assert.Contains("multiples of 512", e.Message);
        Assert.Empty(recorder.Sent);
    }

    [Fact]
    public async Task AzurePageBlob_RejectsWritesPastItsEnd()
    {
        var store = await CreateAsync(MiB);

        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => store.WritePagesAsync(MiB - 512, new byte[1024]).AsTask());

        Assert.Contains($"outside {store.Name}", e.Message);
    }

    [Fact]
    public async Task AzurePageBlob_RejectsUnalignedClears()
    {
        var store = await CreateAsync(MiB);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => store.ClearPagesAsync(256, 512).AsTask());

        Assert.Contains("clear of 512 bytes at offset 256", e.Message);
    }

    [Fact]
    public async Task AzurePageBlob_SendsTheMd5OfEachPage_AndNoCrc64()
    {
        var recorder = new RecordingPolicy();
        var store = await CreateAsync(MiB, recorder);
        var first = TestBytes.NonZero(64 * 1024, seed: 6);
        var second = TestBytes.NonZero(512, seed: 7);

        await store.WritePagesAsync(0, first);
        await store.WritePagesAsync(512 * 1024, second);

        var puts = recorder.PutPages;
        Assert.Equal(2, puts.Count);
        Assert.Equal(Convert.ToBase64String(MD5.HashData(first)), puts[0].Header("Content-MD5"));
        Assert.Equal(Convert.ToBase64String(MD5.HashData(second)), puts[1].Header("Content-MD5"));
        Assert.All(puts, put => Assert.Null(put.Header("x-ms-content-crc64")));
    }

    [Fact]
    public async Task AzurePageBlob_WritesFromMemoryThatIsNotAnArray()
    {
        var store = await CreateAsync(MiB);
        var data = TestBytes.NonZero(8192, seed: 8);
        using var native = new UnmanagedBytes(data);

        await store.WritePagesAsync(4096, native.Memory);

        var back = new byte[8192];
        await store.ReadAsync(4096, back);
        Assert.Equal(data, back);
    }

    [Fact]
    public async Task AzurePageBlob_ClearPages_ReturnsThemToZeros()
    {
        var store = await CreateAsync(MiB);
        var data = TestBytes.NonZero(3 * 4096, seed: 9);
        await store.WritePagesAsync(0, data);

        await store.ClearPagesAsync(4096, 4096);

        var back = new byte[3 * 4096];
        await store.ReadAsync(0, back);
        Assert.Equal(data[..4096], back[..4096]);
        Assert.True(back.AsSpan(4096, 4096).IndexOfAnyExcept((byte)0) < 0, "the cleared page is not zero");
        Assert.Equal(data[8192..], back[8192..]);
        Assert.Equal([new BlobPageRange(0, 4096), new BlobPageRange(8192, 4096)], await store.GetPageRangesAsync());
    }

    [Fact]
    public async Task AzurePageBlob_ListsTheRangesThatHoldPages()
    {
        var store = await CreateAsync(4 * MiB);
        await store.WritePagesAsync(MiB, TestBytes.NonZero(8192, seed: 10));
        await store.WritePagesAsync(3 * MiB, TestBytes.NonZero(512, seed: 11));

        var ranges = await store.GetPageRangesAsync();

        Assert.Equal([new BlobPageRange(MiB, 8192), new BlobPageRange(3 * MiB, 512)], ranges);
    }

    [Fact]
    public async Task AzurePageBlob_DownloadsTheWholeBlob_AsWritten()
    {
        var store = await CreateAsync(6 * MiB);
        var expected = new byte[6 * MiB];
        var pieces = new[]
        {
            (Offset: 0, Length: 4 * MiB), (Offset: 5 * MiB, Length: 512), (Offset: 6 * MiB - 4096, Length: 4096),
        };
        for (int i = 0; i < pieces.Length; i++)
        {
            var data = TestBytes.NonZero(pieces[i].Length, seed: 20 + i);
            data.CopyTo(expected, pieces[i].Offset);
            await store.WritePagesAsync(pieces[i].Offset, data);
        }
        using var folder = new TempDirectory();
        var path = folder.Combine("downloaded.vhd");

        await store.DownloadToAsync(path);

        Assert.Equal(expected, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task AzurePageBlob_WriteThatFails_NamesTheOffsetAndTheBlob()
    {
        var store = await CreateAsync(MiB);
        await _account.Container(store.Container).GetBlobClient(store.BlobName).DeleteAsync();

        var e = await Assert.ThrowsAsync<CloudDestinationException>(
            () => store.WritePagesAsync(8192, new byte[4096]).AsTask());

        Assert.Equal(CloudFailure.BlobNotFound, e.Failure);
        Assert.Equal(8192, e.Offset);
        Assert.Equal(404, e.Status);
        Assert.Contains("write 4096 bytes at offset 8192", e.Message);
        Assert.Contains($"'{store.BlobName}'", e.Message);
        Assert.Contains($"container '{store.Container}'", e.Message);
        Assert.Contains(_account.BlobEndpoint, e.Message);
    }

    [Fact]
    public async Task AzurePageBlob_ReadThatFails_NamesTheOffset()
    {
        var store = await CreateAsync(MiB);
        await _account.Container(store.Container).GetBlobClient(store.BlobName).DeleteAsync();

        var e = await Assert.ThrowsAsync<CloudDestinationException>(
            () => store.ReadAsync(4096, new byte[512]).AsTask());

        Assert.Equal(CloudFailure.BlobNotFound, e.Failure);
        Assert.Equal(4096, e.Offset);
        Assert.Contains("read 512 bytes at offset 4096", e.Message);
    }

    [Fact]
    public async Task AzurePageBlob_TakesConcurrentWrites_OfDifferentPages()
    {
        const int PageSize = 256 * 1024;
        var store = await CreateAsync(16 * PageSize);
        var pages = Enumerable.Range(0, 16).Select(i => TestBytes.NonZero(PageSize, seed: 100 + i)).ToArray();

        await Task.WhenAll(pages.Select((page, i) => store.WritePagesAsync((long)i * PageSize, page).AsTask()));

        var back = new byte[16 * PageSize];
        await store.ReadAsync(0, back);
        for (int i = 0; i < pages.Length; i++)
            Assert.Equal(pages[i], back[(i * PageSize)..((i + 1) * PageSize)]);
    }

    [Fact]
    public async Task AzurePageBlob_Creation_IsASpanOfRestoreAgentsCloud_NamingTheBlobWithoutSecrets()
    {
        var container = await _account.CreateContainerAsync();
        var sasUrl = _account.ContainerSasUrl(container,
            BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write);
        var throughSas = AzuriteAccount.ThroughSas(sasUrl);
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "RestoreAgents.Cloud",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) =>
                ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var store = await throughSas.CreatePageBlobAsync(AzuriteAccount.NewBlobName(), MiB, overwrite: false);

        var span = Assert.Single(spans, s => (string?)s.GetTagItem(Telemetry.TelemetryAttributes.BlobUrl) == store.Name);
        Assert.Equal("page_blob.create", span.OperationName);
        Assert.DoesNotContain("sig=", store.Name);
    }

    [Fact]
    public async Task AFailedCloudSpan_CarriesTheSanitizedMessage_NeverTheSdksTextWithItsHeaders()
    {
        var container = await _account.CreateContainerAsync();
        var sasUrl = _account.ContainerSasUrl(container, BlobContainerSasPermissions.Read);
        var throughSas = AzuriteAccount.ThroughSas(sasUrl, AzuriteAccount.QuickRetries(0));
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "RestoreAgents.Cloud",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) =>
                ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var blobName = AzuriteAccount.NewBlobName();

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() =>
            throughSas.CreatePageBlobAsync(blobName, MiB, overwrite: false));

        var span = Assert.Single(spans, s => ((string?)s.GetTagItem(Telemetry.TelemetryAttributes.BlobUrl))?.EndsWith(blobName) == true);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(e.Message, span.StatusDescription);
        // RequestFailedException's own text lists the response: "Status: 403 ... Headers: ... x-ms-request-id".
        Assert.DoesNotContain("Headers:", span.StatusDescription);
        Assert.DoesNotContain(AzuriteAccount.SignatureOf(sasUrl), span.StatusDescription);
    }

    [Fact]
    public async Task AzurePageBlob_Name_IsTheBlobUrl()
    {
        var store = await CreateAsync(MiB);

        Assert.Equal($"{_account.BlobEndpoint}/{store.Container}/{store.BlobName}", store.Name);
        Assert.Equal(_account.BlobEndpoint, store.AccountEndpoint);
    }
}
