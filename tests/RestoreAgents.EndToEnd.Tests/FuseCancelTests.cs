using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// CancelRestore ends a FUSE-mode job within seconds even while its write into the pseudo-disk waits in a full
/// page cache for a cloud that never answers: no token reaches that FUSE thread, so the cancel must reach the cache.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse)]
[Collection(AgentsCollection.Name)]
public sealed class FuseCancelTests(AgentsFixture agents)
{
    private const uint KiB = 1024;
    private readonly RestoreDriver _driver = new(agents);

    [Fact]
    public async Task CancelRestore_OfAFuseJobBlockedOnAStalledPutPage_EndsItWithin5Seconds_AndAbandonsTheUploads()
    {
        var image = Path.Combine(agents.WorkPath, "stalled.raw");
        await TestDiskImage.CreateAsync(image, 4L * 1024 * KiB, seed: 31, dataFraction: 1);
        await _driver.BackupAsync(image, "stalled", blockSize: 64 * (int)KiB);
        await using var cloud = await StalledPutPageCloud.StartAsync();
        // A data agent whose destination "stalled" is Azurite's account by key at the stalling cloud's address.
        using var folder = new TempDirectory("fuse-cancel");
        await using var dataAgent = await agents.StartDataAgentAsync(folder.Combine("cache"),
            [$"--DataAgent:MountPath={folder.Combine("mount")}", .. agents.AzuriteAt("stalled", cloud.BlobEndpoint)]);
        // Two 64 KiB slots: once both pages are held in Put Page, the job's 1 MiB pwrite waits in the cache.
        var request = _driver.Request("stalled", "stalled.vhd", pageSize: 64 * KiB, cacheSize: 128 * KiB,
            destination: "stalled");
        request.VerifyMode = VerifyMode.None;
        using var channel = agents.ChannelTo(dataAgent);
        var client = new Protocol.V1.DataAgent.DataAgentClient(channel);
        var started = await client.StartRestoreAsync(request);
        await cloud.WaitForHeldPutPagesAsync(2);

        await client.CancelRestoreAsync(new CancelRestoreRequest { JobId = started.JobId });
        var last = await RestoreDriver.WatchAsync(client, started.JobId).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(RestoreState.Cancelled, last.State);
        await cloud.WaitForAbandonedPutPagesAsync(2);
    }
}
