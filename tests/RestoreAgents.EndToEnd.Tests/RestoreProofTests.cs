using Azure.Storage.Blobs.Specialized;
using Microsoft.AspNetCore.Builder;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// The proof a restore carries without reading the blob back (verify mode proof, the default): a Put Page the
/// service acknowledged but never kept, or a page written into a hole by someone else, fails the job naming the
/// pages; a clean restore is verified with no read of the blob at all; --verify readback still reads it back.
/// A <see cref="CloudFaultProxy"/> before Azurite makes the faults.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse)]
[Collection(AgentsCollection.Name)]
public sealed class RestoreProofTests(AgentsFixture agents) : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private const int DiskSize = 8 * MiB;
    // The copy holds no block here: [6 MiB, 7 MiB) is all zeros, so no page goes there.
    private const long Hole = 6 * MiB;
    private const string ThroughProxy = "through-proxy";
    private readonly RestoreDriver _driver = new(agents);
    private readonly TempDirectory _folder = new("restore-proof");
    private CloudFaultProxy _proxy = null!;
    private WebApplication _dataAgent = null!;

    public async Task InitializeAsync()
    {
        _proxy = await CloudFaultProxy.StartAsync(agents.Azurite.BlobEndpoint);
        _dataAgent = await agents.StartDataAgentAsync(_folder.Combine("cache"),
            [$"--DataAgent:MountPath={_folder.Combine("mount")}", .. agents.AzuriteAt(ThroughProxy, _proxy.BlobEndpoint)]);
    }

    public async Task DisposeAsync()
    {
        await _dataAgent.DisposeAsync();
        await _proxy.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Restore_IsVerifiedByTheProof_WithoutReadingTheBlobBack()
    {
        const string name = "proved";
        var image = await BackUpAsync(name);

        var result = await RestoreAsync(name, VerifyMode.Unspecified);

        Assert.True(result.State == RestoreState.Completed, result.Error);
        Assert.True(result.Verified);
        var requests = _proxy.Requests.Where(r => r.Blob == $"{name}.vhd").ToList();
        Assert.Equal(0, requests.Where(r => r.Kind == CloudRequestKind.ReadBlob).Sum(r => r.Length));
        Assert.Contains(requests, r => r.Kind == CloudRequestKind.GetPageRanges);
        Assert.Equal(await File.ReadAllBytesAsync(image),
            (await File.ReadAllBytesAsync(await _driver.DownloadAsync($"{name}.vhd")))[..DiskSize]);
    }

    [Fact]
    public async Task Restore_WithVerifyReadback_ReadsTheBlobBack_AndIsVerified()
    {
        const string name = "read-back";
        await BackUpAsync(name);

        var result = await RestoreAsync(name, VerifyMode.Readback);

        Assert.True(result.State == RestoreState.Completed, result.Error);
        Assert.True(result.Verified);
        // Every page with data is read back: 7 of the 8 MiB, the hole reads as zeros without a request.
        var reads = _proxy.Requests.Where(r => r.Blob == $"{name}.vhd" && r.Kind == CloudRequestKind.ReadBlob).ToList();
        Assert.Equal(7L * MiB, reads.Sum(r => r.Length));
    }

    [Fact]
    public async Task Restore_WithVerifyNone_IsNotVerified_AndListsNoPageRanges()
    {
        const string name = "unproved";
        await BackUpAsync(name);

        var result = await RestoreAsync(name, VerifyMode.None);

        Assert.True(result.State == RestoreState.Completed, result.Error);
        Assert.False(result.Verified);
        Assert.DoesNotContain(_proxy.Requests, r => r.Blob == $"{name}.vhd" && r.Kind == CloudRequestKind.GetPageRanges);
    }

    [Fact]
    public async Task Restore_WhosePutPageTheServiceAcknowledgedButNeverKept_FailsTheProof_NamingTheMissingPage()
    {
        const string name = "lost-page";
        await BackUpAsync(name);
        var rule = _proxy.Add(new CloudFaultRule
        {
            Fault = CloudFault.AcknowledgeOnly, Blob = $"{name}.vhd", FromOffset = 5 * MiB, ToOffset = 5 * MiB + 1,
            Times = 1,
        });

        var result = await RestoreAsync(name, VerifyMode.Proof);

        Assert.Equal(1, rule.Applied);
        Assert.Equal(RestoreState.Failed, result.State);
        Assert.False(result.Verified);
        Assert.Contains($"lacks the pages at [{5 * MiB}, {6 * MiB})", result.Error);
        Assert.Contains($"{name}.vhd", result.Error);
    }

    [Fact]
    public async Task Restore_OfABlobGivenAPageInAHoleOutOfBand_FailsTheProof_NamingTheExtraPage()
    {
        const string name = "extra-page";
        await BackUpAsync(name);
        // Just before the footer (the last Put Page), someone writes 512 bytes into the hole, past the proxy.
        var rule = _proxy.Add(new CloudFaultRule
        {
            Fault = CloudFault.Intercept, Blob = $"{name}.vhd", FromOffset = DiskSize, ToOffset = DiskSize + 1,
            Times = 1,
            BeforeForwarding = async token =>
            {
                var blob = new PageBlobClient(agents.Azurite.ConnectionString, "restores", $"{name}.vhd");
                using var page = new MemoryStream(TestBytes.NonZero(512, seed: 9));
                await blob.UploadPagesAsync(page, Hole, cancellationToken: token);
            },
        });

        var result = await RestoreAsync(name, VerifyMode.Proof);

        Assert.Equal(1, rule.Applied);
        Assert.Equal(RestoreState.Failed, result.State);
        Assert.Contains($"holds pages at [{Hole}, {Hole + 512}) that the restore never wrote", result.Error);
    }

    /// <summary>An 8 MiB image of non-zero bytes but for the hole at 6 MiB: a copy of 7 blocks of 1 MiB.</summary>
    private Task<string> BackUpAsync(string name) =>
        _driver.BackUpNonZeroAsync(name, DiskSize, bytes => bytes.AsSpan((int)Hole, MiB).Clear());

    private Task<RestoreProgress> RestoreAsync(string name, VerifyMode verify)
    {
        var request = _driver.Request(name, $"{name}.vhd", pageSize: MiB, cacheSize: 2 * MiB,
            destination: ThroughProxy);
        request.VerifyMode = verify;
        return _driver.RestoreAsync(request, new Uri(_dataAgent.Urls.Single()));
    }
}
