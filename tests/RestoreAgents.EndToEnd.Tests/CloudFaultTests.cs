using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.AspNetCore.Builder;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// The cloud falters mid-restore (a <see cref="CloudFaultProxy"/> before Azurite): a Put Page that is throttled or
/// dropped once is retried and the restore completes; one that fails every try fails the job naming the blob and
/// the offset, and every page put before it stays in the blob as the source has it.
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
        // Two retries (the fixture's), with short back-offs: a fault that outlasts them fails the job in a second.
        // Its destination "through-proxy" is Azurite's account by key, at the proxy's address.
        var destination = $"--DataAgent:Destinations:{ThroughProxy}";
        _dataAgent = await agents.StartDataAgentAsync(_folder.Combine("cache"),
            $"--DataAgent:MountPath={_folder.Combine("mount")}", "--DataAgent:Cloud:RetryDelay=00:00:00.05",
            "--DataAgent:Cloud:MaxRetryDelay=00:00:00.2", $"{destination}:BlobEndpoint={_proxy.BlobEndpoint}",
            $"{destination}:Credential=AccountKey", $"{destination}:AccountName={AzuriteFixture.AccountName}",
            $"{destination}:AccountKeyFile={agents.AccountKeyFile}", $"{destination}:AllowPlaintext=true");
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

    [Theory]
    [InlineData(CloudFault.ServerBusy, "the storage service is busy or failing (503 ServerBusy), still after 2 retries")]
    [InlineData(CloudFault.DropConnection, "the account endpoint could not be reached")]
    public async Task Restore_PutPageFailingEveryTry_FailsNamingTheBlobAndOffset_AndKeepsThePagesPutBefore(
        CloudFault fault, string cause)
    {
        var name = $"always-{fault}".ToLowerInvariant();
        var image = await BackUpAsync(name);
        _proxy.Add(new CloudFaultRule
        {
            Fault = fault, Blob = $"{name}.vhd", FromOffset = Faulty, ToOffset = Faulty + 1,
            RetryAfter = TimeSpan.FromMilliseconds(100),
        });

        var result = await RestoreAsync(name);

        Assert.Equal(RestoreState.Failed, result.State);
        Assert.Contains($"uploading the page at offset {Faulty} to '{_proxy.BlobEndpoint}/restores/{name}.vhd' failed",
            result.Error);
        Assert.Contains($"page blob '{name}.vhd' in container 'restores'", result.Error);
        Assert.Contains(cause, result.Error);
        var puts = _proxy.Requests.Where(r => r.Kind == CloudRequestKind.PutPage && r.Blob == $"{name}.vhd").ToList();
        Assert.Equal(3, puts.Count(p => p.Offset == Faulty));   // the try and the two retries
        Assert.DoesNotContain(puts, p => p.Offset == Faulty && p.Succeeded);
        // With two slots of cache, the page at 5 MiB was in the cache only once the pages up to 4 MiB were put.
        var put = puts.Where(p => p.Succeeded).Select(p => p.Offset!.Value).ToHashSet();
        Assert.Superset(new HashSet<long> { 0, MiB, 2 * MiB, 3 * MiB }, put);
        await AssertBlobHoldsExactlyAsync($"{name}.vhd", put, await File.ReadAllBytesAsync(image));
    }

    private async Task<string> BackUpAsync(string name)
    {
        var image = Path.Combine(agents.WorkPath, $"{name}.raw");
        await File.WriteAllBytesAsync(image, TestBytes.NonZero(DiskSize, seed: name.Length));
        await _driver.BackupAsync(image, name);
        return image;
    }

    private Task<RestoreProgress> RestoreAsync(string name) => _driver.RestoreAsync(
        _driver.Request(name, $"{name}.vhd", pageSize: MiB, cacheSize: 2 * MiB,
            destination: ThroughProxy),
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
