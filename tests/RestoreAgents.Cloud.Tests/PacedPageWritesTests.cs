using System.Collections.Concurrent;
using Azure.Storage.Blobs.Specialized;
using RestoreAgents.Testing;

namespace RestoreAgents.Cloud.Tests;

/// <summary>
/// Page writes through a <see cref="CloudFaultProxy"/> before Azurite: throttling is retried, paced, and never
/// fails a write before the throttle deadline; a damaged or dropped try is retried; a refusal fails at once; and
/// every throttling answer reaches the blob's pacer (the SDK retries none of them behind its back).
/// </summary>
[Requires(RealPart.Azurite)]
[Collection(AzuriteCollection.Name)]
public sealed class PacedPageWritesTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private CloudFaultProxy _proxy = null!;

    public async Task InitializeAsync() => _proxy = await CloudFaultProxy.StartAsync(azurite.BlobEndpoint);

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private IReadOnlyList<CloudRequest> PutPages => _proxy.Requests.Where(r => r.Kind == CloudRequestKind.PutPage).ToList();

    private async Task<(AzurePageBlob ThroughProxy, PageBlobClient Direct)> CreateAsync(long size, CloudOptions options)
    {
        var container = new StorageAccountClient(
                new ConnectionStringCredentials(AzuriteFixture.ConnectionStringTo(_proxy.BlobEndpoint)), options)
            .GetContainer(AzuriteAccount.NewContainerName());
        var blob = await container.CreatePageBlobAsync("disk.vhd", size, overwrite: false);
        return (blob, new PageBlobClient(azurite.ConnectionString, container.Name, "disk.vhd"));
    }

    /// <summary>Writes <paramref name="pages"/> by <paramref name="writers"/> at once, as the page cache's uploaders do.</summary>
    private static async Task WriteAllAsync(AzurePageBlob blob, IReadOnlyList<byte[]> pages, int writers)
    {
        var next = new ConcurrentQueue<int>(Enumerable.Range(0, pages.Count));
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async _ =>
        {
            while (next.TryDequeue(out var i))
                await blob.WritePagesAsync((long)i * pages[i].Length, pages[i]);
        }));
    }

    private static async Task AssertHoldsAsync(PageBlobClient direct, IReadOnlyList<byte[]> pages)
    {
        var content = (await direct.DownloadContentAsync()).Value.Content.ToArray();
        for (var i = 0; i < pages.Count; i++)
            Assert.True(content.AsSpan(i * pages[i].Length, pages[i].Length).SequenceEqual(pages[i]),
                $"page {i} is not what was written");
    }

    [Fact]
    public async Task AByteRateAndInFlightLimit_IsRiddenByThePacer_EveryRefusalReachesIt_AndEveryPageLands()
    {
        var (blob, direct) = await CreateAsync(32 * MiB, AzuriteAccount.QuickRetries());
        _proxy.Pace(new BlobPacing { BytesPerSecond = 8 * MiB, MaxInFlight = 4, RetryAfter = TimeSpan.FromMilliseconds(200) });
        var pages = Enumerable.Range(0, 32).Select(i => TestBytes.NonZero(MiB, seed: 40 + i)).ToList();

        await WriteAllAsync(blob, pages, writers: 8);

        await AssertHoldsAsync(direct, pages);
        var refused = PutPages.Count(p => p.Status == 503);
        Assert.True(refused > 0, "the stand-in refused nothing: the test proves nothing");
        var pacing = blob.Pacing;
        // Every 503 the proxy sent reached the pacer: the SDK retried none of them on its own.
        Assert.Equal(refused, pacing.Throttled);
        Assert.Equal(PutPages.Count, pacing.Calls);
        Assert.NotNull(pacing.BytesPerSecondLimit);
    }

    [Fact]
    public async Task AFifthOfPutPagesThrottledAtRandom_EveryPageLands()
    {
        var options = AzuriteAccount.QuickRetries();
        options.ThrottleDeadline = TimeSpan.FromMinutes(1);   // a page may be refused twice, seconds apart
        var (blob, direct) = await CreateAsync(16 * MiB, options);
        _proxy.Add(new CloudFaultRule
        {
            Fault = CloudFault.ServerBusy, Probability = 0.2, Seed = 9, RetryAfter = TimeSpan.FromMilliseconds(20),
        });
        var pages = Enumerable.Range(0, 64).Select(i => TestBytes.NonZero(256 * 1024, seed: 100 + i)).ToList();

        await WriteAllAsync(blob, pages, writers: 8);

        await AssertHoldsAsync(direct, pages);
        Assert.InRange(PutPages.Count(p => p.Status == 503), 5, 40);
        Assert.Equal(64, PutPages.Count(p => p.Status == 201));
    }

    [Fact]
    public async Task ThrottlingThatOutlastsTheRetries_IsStillRetried_UntilTheThrottleDeadline_ThenFailsNamingIt()
    {
        var options = AzuriteAccount.QuickRetries(maxRetries: 2);
        options.ThrottleDeadline = TimeSpan.FromSeconds(1);
        var (blob, _) = await CreateAsync(4 * MiB, options);
        _proxy.Add(new CloudFaultRule
        {
            Fault = CloudFault.ServerBusy, FromOffset = MiB, ToOffset = MiB + 1, RetryAfter = TimeSpan.FromMilliseconds(50),
        });

        var e = await Assert.ThrowsAsync<CloudDestinationException>(
            () => blob.WritePagesAsync(MiB, TestBytes.NonZero(512, seed: 1)).AsTask());

        Assert.Equal(CloudFailure.ServiceBusy, e.Failure);
        Assert.Contains("write 512 bytes at offset 1048576 to page blob 'disk.vhd'", e.Message);
        Assert.Contains("refused it as throttling (503 ServerBusy)", e.Message);
        Assert.Contains("throttle deadline of 00:00:01", e.Message);
        Assert.True(PutPages.Count(p => p.Status == 503) > 3, "throttling was given up after the 2 retries");
    }

    [Fact]
    public async Task AForbiddenPutPage_FailsAtOnce_NamingTheBlobAndTheOffset()
    {
        var (blob, _) = await CreateAsync(4 * MiB, AzuriteAccount.QuickRetries(maxRetries: 5));
        _proxy.Add(new CloudFaultRule { Fault = CloudFault.Refuse, FromOffset = MiB, ToOffset = MiB + 1 });

        var e = await Assert.ThrowsAsync<CloudDestinationException>(
            () => blob.WritePagesAsync(MiB, TestBytes.NonZero(4096, seed: 2)).AsTask());

        Assert.Equal((CloudFailure.AccessDenied, 403), (e.Failure, e.Status));
        Assert.Equal(MiB, e.Offset);
        Assert.Contains("page blob 'disk.vhd'", e.Message);
        Assert.Single(PutPages);
    }

    [Fact]
    public async Task AFlippedBit_IsRefusedByTheMd5_AndRetried_AndThePageLandsIntact()
    {
        var (blob, direct) = await CreateAsync(4 * MiB, AzuriteAccount.QuickRetries());
        _proxy.Add(new CloudFaultRule { Fault = CloudFault.FlipBit, Times = 1 });
        var page = TestBytes.NonZero(MiB, seed: 3);

        await blob.WritePagesAsync(2 * MiB, page);

        Assert.Equal([(CloudFault.FlipBit, 400), (null, 201)],
            PutPages.Select(p => ((CloudFault?)p.Fault, p.Status)).ToList());
        var content = (await direct.DownloadContentAsync()).Value.Content.ToArray();
        Assert.True(content.AsSpan(2 * MiB, MiB).SequenceEqual(page), "the page in the blob is not the one written");
    }
}
