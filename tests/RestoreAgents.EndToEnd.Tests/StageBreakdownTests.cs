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
        // Eight chunks, each half a second late.
        Assert.InRange(stages.StoreReadSeconds, 8 * 0.5 * 0.9, stages.WallSeconds);
        Assert.Equal("store read", Slowest(stages));
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
