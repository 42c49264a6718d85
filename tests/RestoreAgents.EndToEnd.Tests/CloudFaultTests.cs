using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.AspNetCore.Builder;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// The cloud falters mid-restore (a <see cref="CloudFaultProxy"/> before Azurite): a Put Page that is throttled,
/// dropped, stalled or damaged once is retried and the restore completes; a fifth throttled at random, or a blob's
/// byte rate and in-flight limit, are ridden, paced, to the end; one that fails every try fails the job naming the
/// blob and the offset (a 403 at once, throttling only at the throttle deadline), and every page put before it stays
/// in the blob as the source has it.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse)]
[Collection(AgentsCollection.Name)]
public sealed class CloudFaultTests(AgentsFixture agents) : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private const int DiskSize = 8 * MiB;
    private const long Faulty = 5 * MiB;
    private const string ThroughProxy = "through-proxy";
    private readonly RestoreDriver _driver = new(agents);
    private readonly TempDirectory _folder = new("cloud-faults");
    private CloudFaultProxy _proxy = null!;
    private WebApplication _dataAgent = null!;

    public async Task InitializeAsync()
    {
        _proxy = await CloudFaultProxy.StartAsync(agents.Azurite.BlobEndpoint);
        // Two retries (the fixture's), with short back-offs: a fault that outlasts them fails the job in a second;
        // throttling is retried for 10 s, and a call unanswered for 5 s is given up and tried again.
        // Its destination "through-proxy" is Azurite's account by key, at the proxy's address.
        _dataAgent = await agents.StartDataAgentAsync(_folder.Combine("cache"),
            [$"--DataAgent:MountPath={_folder.Combine("mount")}", "--DataAgent:Cloud:RetryDelay=00:00:00.05",
            "--DataAgent:Cloud:MaxRetryDelay=00:00:00.2", "--DataAgent:Cloud:ThrottleDeadline=00:00:10",
            "--DataAgent:Cloud:NetworkTimeout=00:00:05", .. agents.AzuriteAt(ThroughProxy, _proxy.BlobEndpoint)]);
    }

    public async Task DisposeAsync()
    {
        await _dataAgent.DisposeAsync();
        await _proxy.DisposeAsync();
        _folder.Dispose();
    }

    [Theory]
    [InlineData(CloudFault.ServerBusy)]
    [InlineData(CloudFault.DropConnection)]
    [InlineData(CloudFault.DropAnswer)]
    [InlineData(CloudFault.Stall)]
    [InlineData(CloudFault.FlipBit)]
    public async Task Restore_PutPageFailingOnce_IsRetried_AndTheRestoreCompletes(CloudFault fault)
    {
        var name = $"once-{fault}".ToLowerInvariant();
        var image = await BackUpAsync(name);
        var rule = _proxy.Add(new CloudFaultRule
        {
            Fault = fault, Blob = $"{name}.vhd", FromOffset = Faulty, ToOffset = Faulty + 1, Times = 1,
            RetryAfter = TimeSpan.FromMilliseconds(100),
        });

        var result = await RestoreAsync(name);

        Assert.True(result.State == RestoreState.Completed, result.Error);
        Assert.True(result.Verified);
        Assert.Equal(1, rule.Applied);
        Assert.Equal(await File.ReadAllBytesAsync(image), (await File.ReadAllBytesAsync(
            await _driver.DownloadAsync($"{name}.vhd")))[..DiskSize]);
    }

    [Fact]
    public async Task Restore_WithAFifthOfPutPagesThrottledAtRandom_Completes_AndTheBlobIsTheImage()
    {
        const string name = "random-busy";
        var image = await BackUpAsync(name);
        var rule = _proxy.Add(new CloudFaultRule
        {
            Fault = CloudFault.ServerBusy, Blob = $"{name}.vhd", Probability = 0.2, Seed = 3,
            RetryAfter = TimeSpan.FromMilliseconds(50),
        });

        var result = await RestoreAsync(name);

        Assert.True(result.State == RestoreState.Completed, result.Error);
        Assert.True(result.Verified);
        Assert.True(rule.Applied > 0, "no Put Page was throttled: the test proves nothing");
        Assert.Equal((ulong)rule.Applied, result.CloudPacing.ThrottledCalls);
        Assert.Equal(await File.ReadAllBytesAsync(image), (await File.ReadAllBytesAsync(
            await _driver.DownloadAsync($"{name}.vhd")))[..DiskSize]);
    }

    [Fact]
    public async Task Restore_ThroughABlobsByteRateAndInFlightLimit_IsPaced_AndCompletes_ShowingThePacing()
    {
        const string name = "paced";
        var image = await BackUpAsync(name);
        _proxy.Pace(new BlobPacing { BytesPerSecond = 4 * MiB, MaxInFlight = 2, RetryAfter = TimeSpan.FromMilliseconds(200) });
        try
        {
            var result = await RestoreAsync(name, cacheSize: 8 * MiB);

            Assert.True(result.State == RestoreState.Completed, result.Error);
            Assert.True(result.Verified);
            var refused = _proxy.Requests.Count(r => r.Blob == $"{name}.vhd" && r.Status == 503);
            Assert.True(refused > 0, "the stand-in refused nothing: the test proves nothing");
            var pacing = result.CloudPacing;
            Assert.Equal((ulong)refused, pacing.ThrottledCalls);
            Assert.Equal(8u, pacing.UploadParallelism);
            Assert.True(pacing.BytesPerSecondLimit > 0, "the pacer never held the job to a rate");
            Assert.Equal(await File.ReadAllBytesAsync(image), (await File.ReadAllBytesAsync(
                await _driver.DownloadAsync($"{name}.vhd")))[..DiskSize]);
        }
        finally
        {
            _proxy.Pace(null);
        }
    }

    [Theory]
    [InlineData(CloudFault.DropConnection, "the account endpoint could not be reached", 3)]       // a try, 2 retries
    [InlineData(CloudFault.Refuse, "access was denied (403 AuthorizationFailure)", 1)]            // at once
    public async Task Restore_PutPageFailingEveryTry_FailsNamingTheBlobAndOffset_AndKeepsThePagesPutBefore(
        CloudFault fault, string cause, int tries)
    {
        var name = $"always-{fault}".ToLowerInvariant();
        var image = await BackUpAsync(name);
        _proxy.Add(new CloudFaultRule
        {
            Fault = fault, Blob = $"{name}.vhd", FromOffset = Faulty, ToOffset = Faulty + 1,
            RetryAfter = TimeSpan.FromMilliseconds(100),
        });

        var result = await RestoreAsync(name);

        var puts = await AssertFailedAtTheFaultyPageAsync(result, name, cause, image);
        Assert.Equal(tries, puts.Count(p => p.Offset == Faulty));
    }

    [Fact]
    public async Task Restore_PutPageThrottledEveryTry_IsRetriedPastTheRetries_ThenFailsAtTheThrottleDeadline()
    {
        const string name = "always-throttled";
        var image = await BackUpAsync(name);
        _proxy.Add(new CloudFaultRule
        {
            Fault = CloudFault.ServerBusy, Blob = $"{name}.vhd", FromOffset = Faulty, ToOffset = Faulty + 1,
            RetryAfter = TimeSpan.FromMilliseconds(100),
        });

        var result = await RestoreAsync(name);

        var puts = await AssertFailedAtTheFaultyPageAsync(result, name,
            "the storage service refused it as throttling (503 ServerBusy)", image);
        Assert.Contains("throttle deadline of 00:00:10", result.Error);
        Assert.True(puts.Count(p => p.Offset == Faulty) > 3, "throttling was given up after the 2 retries");
    }

    /// <summary>Failed naming the blob, the offset and the cause; the pages put before it hold the image's bytes.</summary>
    private async Task<List<CloudRequest>> AssertFailedAtTheFaultyPageAsync(RestoreProgress result, string name,
        string cause, string image)
    {
        Assert.Equal(RestoreState.Failed, result.State);
        Assert.Contains($"uploading the page at offset {Faulty} to '{_proxy.BlobEndpoint}/restores/{name}.vhd' failed",
            result.Error);
        Assert.Contains($"page blob '{name}.vhd' in container 'restores'", result.Error);
        Assert.Contains(cause, result.Error);
        var puts = _proxy.Requests.Where(r => r.Kind == CloudRequestKind.PutPage && r.Blob == $"{name}.vhd").ToList();
        Assert.DoesNotContain(puts, p => p.Offset == Faulty && p.Succeeded);
        // With two slots of cache, the page at 5 MiB was in the cache only once the pages up to 4 MiB were put.
        var put = puts.Where(p => p.Succeeded).Select(p => p.Offset!.Value).ToHashSet();
        Assert.Superset(new HashSet<long> { 0, MiB, 2 * MiB, 3 * MiB }, put);
        await AssertBlobHoldsExactlyAsync($"{name}.vhd", put, await File.ReadAllBytesAsync(image));
        return puts;
    }

    private Task<string> BackUpAsync(string name) => _driver.BackUpNonZeroAsync(name, DiskSize);

    private Task<RestoreProgress> RestoreAsync(string name, ulong cacheSize = 2 * MiB) => _driver.RestoreAsync(
        _driver.Request(name, $"{name}.vhd", pageSize: MiB, cacheSize: cacheSize, destination: ThroughProxy),
        new Uri(_dataAgent.Urls.Single()));

    /// <summary>Asks Azurite itself (not through the proxy): its page ranges are the pages put, with the source's bytes.</summary>
    private async Task AssertBlobHoldsExactlyAsync(string blobName, IReadOnlySet<long> pages, byte[] source)
    {
        var blob = new PageBlobClient(agents.Azurite.ConnectionString, "restores", blobName);
        var ranges = (await blob.GetAllPageRangesAsync().ToListAsync()).Where(r => !r.IsClear).ToList();
        var held = ranges.SelectMany(r => Enumerable.Range(0, (int)(r.Range.Length!.Value / MiB))
            .Select(i => r.Range.Offset + i * (long)MiB)).ToHashSet();
        Assert.Equal(pages.Order(), held.Order());
        foreach (var page in held)
        {
            var content = (await blob.DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(page, MiB) }))
                .Value.Content.ToArray();
            Assert.True(content.AsSpan().SequenceEqual(source.AsSpan((int)page, MiB)), $"the page at {page} is not the source's");
        }
    }
}
