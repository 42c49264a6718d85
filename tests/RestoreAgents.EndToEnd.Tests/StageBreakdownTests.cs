using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// A job's final status says where its time went: with the media agent's store reads slowed on purpose it names
/// the store, with the uploads slowed it names the cloud upload.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse)]
[Collection(AgentsCollection.Name)]
public sealed class StageBreakdownTests(AgentsFixture agents)
{
    private const uint MiB = 1024 * 1024;

    [Fact]
    public async Task Restore_FromASlowStore_NamesTheStoreReadAsItsSlowestStage()
    {
        var driver = new RestoreDriver(agents);
        var image = Path.Combine(agents.WorkPath, "slow-store.raw");
        await TestDiskImage.CreateAsync(image, 8L * MiB, seed: 31, dataFraction: 1.0);
        var copy = await driver.BackupAsync(image, "slow-store");
        using var slow = await SlowChunkFiles.ReplaceAsync(agents.StorePath, copy, TimeSpan.FromMilliseconds(500));

        var result = await driver.RestoreAsync(driver.Request("slow-store", "slow-store.vhd", MiB, 4 * MiB));

        Assert.True(result.State == RestoreState.Completed, result.Error);
        var stages = result.Stages;
        Assert.NotNull(stages);
        // Eight chunks, each half a second late, read a few at a time by the media agent's read-ahead.
        var readAhead = new MediaAgent.MediaAgentOptions().ReadAheadChunks;
        Assert.InRange(stages.StoreReadSeconds, 8 * 0.5 / readAhead * 0.9, stages.WallSeconds);
        Assert.Equal("store read", Slowest(stages));
    }

    [Fact]
    public async Task Restore_IntoASlowCloud_NamesTheCloudUploadAsItsSlowestStage_WithTheThrottledShare()
    {
        var driver = new RestoreDriver(agents);
        var image = Path.Combine(agents.WorkPath, "slow-upload.raw");
        await TestDiskImage.CreateAsync(image, 8L * MiB, seed: 32, dataFraction: 1.0);
        await driver.BackupAsync(image, "slow-upload");
        await using var proxy = await CloudFaultProxy.StartAsync(agents.Azurite.BlobEndpoint);
        // The first three Put Pages are throttled once each; every try that gets through takes 400 ms more.
        var throttled = proxy.Add(new CloudFaultRule
        {
            Fault = CloudFault.ServerBusy, Blob = "slow-upload.vhd", Times = 3,
            RetryAfter = TimeSpan.FromMilliseconds(300),
        });
        proxy.Add(new CloudFaultRule
        {
            Fault = CloudFault.Stall, Blob = "slow-upload.vhd", StallFor = TimeSpan.FromMilliseconds(400),
        });

        // A data agent whose destination "slow-cloud" is Azurite's account by key, at the proxy's address.
        using var folder = new TempDirectory("slow-cloud");
        await using var dataAgent = await agents.StartDataAgentAsync(folder.Combine("cache"),
            [$"--DataAgent:MountPath={folder.Combine("mount")}", .. agents.AzuriteAt("slow-cloud", proxy.BlobEndpoint)]);

        var result = await driver.RestoreAsync(
            driver.Request("slow-upload", "slow-upload.vhd", MiB, 2 * MiB, destination: "slow-cloud"),
            new Uri(dataAgent.Urls.Single()));

        Assert.True(result.State == RestoreState.Completed, result.Error);
        Assert.Equal(3, throttled.Applied);
        var stages = result.Stages;
        Assert.NotNull(stages);
        Assert.Equal("cloud upload", Slowest(stages));
        Assert.True(stages.SlotWaitSeconds > 0, "no write waited for a slot, with two slots and slow uploads");
        // Part of the upload, not all of it: most tries were only stalled.
        Assert.True(stages.ThrottledSeconds > 0.01 && stages.ThrottledSeconds < stages.CloudUploadSeconds,
            $"throttled {stages.ThrottledSeconds} s of a cloud upload of {stages.CloudUploadSeconds} s");
    }

    private static string Slowest(StageBreakdown stages) => new Dictionary<string, double>
    {
        ["setup"] = stages.SetupSeconds,
        ["store read"] = stages.StoreReadSeconds,
        ["network"] = stages.NetworkSeconds,
        ["cache write"] = stages.CacheWriteSeconds,
        ["cloud upload"] = stages.CloudUploadSeconds,
        ["verification"] = stages.VerifySeconds,
        ["other"] = stages.OtherSeconds,
    }.MaxBy(stage => stage.Value).Key;
}
