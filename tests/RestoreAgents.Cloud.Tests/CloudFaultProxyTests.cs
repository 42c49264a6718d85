using Azure.Storage.Blobs.Specialized;
using RestoreAgents.Testing;

namespace RestoreAgents.Cloud.Tests;

/// <summary>
/// The fault proxy the end-to-end and resume tests put in front of Azurite does what its rules say, and nothing
/// else: it forwards signed requests untouched, and fails exactly the requests a rule picks, as often as it says.
/// </summary>
[Requires(RealPart.Azurite)]
[Collection(AzuriteCollection.Name)]
public sealed class CloudFaultProxyTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private CloudFaultProxy _proxy = null!;

    public async Task InitializeAsync() => _proxy = await CloudFaultProxy.StartAsync(azurite.BlobEndpoint);

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    /// <summary>A new page blob of 4 MiB reached through the proxy, and the same blob straight in Azurite.</summary>
    private async Task<(AzurePageBlob ThroughProxy, PageBlobClient Direct)> CreateAsync(CloudOptions? options = null)
    {
        var container = new StorageAccountClient(
                new ConnectionStringCredentials(AzuriteFixture.ConnectionStringTo(_proxy.BlobEndpoint)),
                options ?? AzuriteAccount.QuickRetries())
            .GetContainer(AzuriteAccount.NewContainerName());
        var blob = await container.CreatePageBlobAsync("disk.vhd", 4 * MiB, overwrite: false);
        return (blob, new PageBlobClient(azurite.ConnectionString, container.Name, "disk.vhd"));
    }

    private static async Task<byte[]> ReadAsync(PageBlobClient blob, long offset, int length)
    {
        var content = await blob.DownloadContentAsync(new Azure.Storage.Blobs.Models.BlobDownloadOptions
        {
            Range = new Azure.HttpRange(offset, length),
        });
        return content.Value.Content.ToArray();
    }

    private IReadOnlyList<CloudRequest> PutPages => _proxy.Requests.Where(r => r.Kind == CloudRequestKind.PutPage).ToList();

    [Fact]
    public async Task WithoutRules_ItForwardsEveryRequest_SignedAsTheClientSentIt_AndRecordsEach()
    {
        var (blob, direct) = await CreateAsync();
        var page = TestBytes.NonZero(MiB, seed: 1);

        await blob.WritePagesAsync(MiB, page);
        var back = new byte[MiB];
        await blob.ReadAsync(MiB, back);

        Assert.Equal(page, back);
        Assert.Equal(page, await ReadAsync(direct, MiB, MiB));
        var put = Assert.Single(PutPages);
        Assert.Equal(("disk.vhd", MiB, (long)MiB, 201), (put.Blob, put.Offset, put.Length, put.Status));
        Assert.True(put.Succeeded);
        Assert.Contains(_proxy.Requests, r => r.Kind == CloudRequestKind.CreateBlob && r.Status == 201);
        Assert.Contains(_proxy.Requests, r => r.Kind == CloudRequestKind.ReadBlob && r.Offset == MiB);
        Assert.All(_proxy.Requests, r => Assert.Null(r.Fault));
    }

    [Theory]
    [InlineData(CloudFault.ServerBusy, 503)]
    [InlineData(CloudFault.DropConnection, 0)]
    [InlineData(CloudFault.DropAnswer, 0)]
    public async Task ARuleForOnePageOffset_FailsOnlyThatPage_AsOftenAsItSays_AndTheRetryGoesThrough(CloudFault fault,
        int status)
    {
        var (blob, direct) = await CreateAsync();
        var rule = _proxy.Add(new CloudFaultRule
        {
            Fault = fault, FromOffset = 2 * MiB, ToOffset = 3 * MiB, Times = 2, RetryAfter = TimeSpan.Zero,
        });
        var pages = Enumerable.Range(0, 4).Select(i => TestBytes.NonZero(MiB, seed: 10 + i)).ToList();

        for (var i = 0; i < 4; i++) await blob.WritePagesAsync(i * MiB, pages[i]);

        Assert.Equal(2, rule.Applied);
        var atTwo = PutPages.Where(p => p.Offset == 2 * MiB).ToList();
        Assert.Equal([(fault, status), (fault, status), (null, 201)],
            atTwo.Select(p => ((CloudFault?)p.Fault, p.Status)).ToList());
        Assert.All(PutPages.Where(p => p.Offset != 2 * MiB), p => Assert.Equal((null, 201), (p.Fault, p.Status)));
        for (var i = 0; i < 4; i++) Assert.Equal(pages[i], await ReadAsync(direct, i * MiB, MiB));
    }

    [Fact]
    public async Task ARuleThatSkips_FailsTheNthMatchingRequest()
    {
        var (blob, _) = await CreateAsync();
        _proxy.Add(new CloudFaultRule { Fault = CloudFault.ServerBusy, Skip = 2, Times = 1, RetryAfter = TimeSpan.Zero });

        for (var i = 0; i < 4; i++) await blob.WritePagesAsync(i * MiB, TestBytes.NonZero(512, seed: i));

        Assert.Equal([201, 201, 503, 201, 201], PutPages.Select(p => p.Status).ToList());
        Assert.Equal(2 * MiB, PutPages[2].Offset);
    }

    [Fact]
    public async Task APersistentRule_OutlastsTheRetries_AndTheClientFailsNamingTheOffset()
    {
        var (blob, _) = await CreateAsync(AzuriteAccount.QuickRetries(maxRetries: 2));
        _proxy.Add(new CloudFaultRule { Fault = CloudFault.DropConnection, FromOffset = MiB, ToOffset = MiB + 1 });

        var e = await Assert.ThrowsAsync<CloudDestinationException>(
            () => blob.WritePagesAsync(MiB, TestBytes.NonZero(512, seed: 1)).AsTask());

        Assert.Equal(CloudFailure.Unreachable, e.Failure);
        Assert.Contains("at offset 1048576", e.Message);
        Assert.Equal(3, PutPages.Count(p => p.Fault == CloudFault.DropConnection));
    }

    [Fact]
    public async Task FlipBit_DamagesThePageOnTheWay_AndTheTransactionalMd5Refuses_It_AsAzureDoes()
    {
        var (blob, direct) = await CreateAsync(AzuriteAccount.QuickRetries(maxRetries: 0));
        _proxy.Add(new CloudFaultRule { Fault = CloudFault.FlipBit, Times = 1 });
        var page = TestBytes.NonZero(MiB, seed: 2);

        var e = await Assert.ThrowsAsync<CloudDestinationException>(() => blob.WritePagesAsync(0, page).AsTask());

        Assert.Equal((400, "Md5Mismatch"), (e.Status, e.ErrorCode));
        Assert.True((await ReadAsync(direct, 0, MiB)).AsSpan().IndexOfAnyExcept((byte)0) < 0, "the damaged page was written");
    }

    [Fact]
    public async Task FlipBit_WithoutTheProxysMd5Check_LandsTheDamagedPage_ForAzuriteDoesNotCheckPutPageMd5()
    {
        var (blob, direct) = await CreateAsync(AzuriteAccount.QuickRetries(maxRetries: 0));
        _proxy.ChecksContentMd5 = false;
        _proxy.Add(new CloudFaultRule { Fault = CloudFault.FlipBit, Times = 1, BitToFlip = 8 * 1000 + 3 });
        var page = TestBytes.NonZero(4096, seed: 2);

        await blob.WritePagesAsync(0, page);

        page[1000] ^= 1 << 3;
        Assert.Equal(page, await ReadAsync(direct, 0, 4096));
    }

    [Fact]
    public async Task Stall_HoldsARequestUntilTheClientGivesUp_AndTheRetryGoesThrough()
    {
        var options = AzuriteAccount.QuickRetries(maxRetries: 1);
        options.NetworkTimeout = TimeSpan.FromMilliseconds(500);
        var (blob, direct) = await CreateAsync(options);
        _proxy.Add(new CloudFaultRule { Fault = CloudFault.Stall, Times = 1 });
        var page = TestBytes.NonZero(4096, seed: 3);

        await blob.WritePagesAsync(0, page);

        Assert.Equal([(CloudFault.Stall, 0), (null, 201)],
            PutPages.Select(p => ((CloudFault?)p.Fault, p.Status)).ToList());
        Assert.Equal(page, await ReadAsync(direct, 0, 4096));
    }

    [Fact]
    public async Task Pacing_RefusesPutPagesBeyondTheBlobsByteRate_WithRetryAfter_AndTheClientWaitsItOut()
    {
        var options = AzuriteAccount.QuickRetries(maxRetries: 3);
        options.MaxRetryDelay = TimeSpan.FromSeconds(5);
        var (blob, direct) = await CreateAsync(options);
        // One MiB a second: the first page empties the bucket; the second must wait about a second for its bytes.
        _proxy.Pace(new BlobPacing { BytesPerSecond = MiB });
        var pages = Enumerable.Range(0, 2).Select(i => TestBytes.NonZero(MiB, seed: 20 + i)).ToList();

        for (var i = 0; i < 2; i++) await blob.WritePagesAsync(i * MiB, pages[i]);

        Assert.Equal(201, PutPages[0].Status);
        Assert.Equal((CloudFault.ServerBusy, 503), (PutPages[1].Fault, PutPages[1].Status));
        Assert.Equal(201, PutPages[^1].Status);
        for (var i = 0; i < 2; i++) Assert.Equal(pages[i], await ReadAsync(direct, i * MiB, MiB));
    }

    [Fact]
    public async Task Pacing_RefusesAPutPageBeyondTheBlobsInFlightLimit()
    {
        var options = AzuriteAccount.QuickRetries(maxRetries: 20);
        options.ThrottleDeadline = TimeSpan.FromMinutes(1);
        var (blob, _) = await CreateAsync(options);
        // The first Put Page stalls for a while in flight, so the second finds the one slot taken.
        _proxy.Add(new CloudFaultRule { Fault = CloudFault.Stall, Times = 1, StallFor = TimeSpan.FromSeconds(1) });
        _proxy.Pace(new BlobPacing { MaxInFlight = 1, RetryAfter = TimeSpan.FromMilliseconds(50) });

        await Task.WhenAll(blob.WritePagesAsync(0, TestBytes.NonZero(512, seed: 4)).AsTask(),
            blob.WritePagesAsync(MiB, TestBytes.NonZero(512, seed: 5)).AsTask());

        // Whichever came second found the slot taken by the stalled one, and got in after it.
        var stalled = Assert.Single(PutPages, p => p.Fault == CloudFault.Stall);
        Assert.Contains(PutPages, p => p.Offset != stalled.Offset && p.Status == 503);
        Assert.Equal(2, PutPages.Count(p => p.Status == 201));
    }
}
