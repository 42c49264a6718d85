using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// CancelRestore ends a job within seconds in either mode even while its write waits in a full page cache for a
/// cloud that never answers (in fuse mode no token reaches that FUSE thread, so the cancel must reach the cache),
/// and the cancelled job's journal goes with its cache folder: it will not resume.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse)]
[Collection(AgentsCollection.Name)]
public sealed class CancelTests(AgentsFixture agents)
{
    private const uint KiB = 1024;
    private readonly RestoreDriver _driver = new(agents);

    [Theory]
    [InlineData("fuse")]
    [InlineData("direct")]
    public async Task CancelRestore_OfAJobBlockedOnAStalledPutPage_EndsItWithin5Seconds_AbandonsTheUploads_AndItsJournal(
        string mode)
    {
        var image = Path.Combine(agents.WorkPath, $"stalled-{mode}.raw");
        await TestDiskImage.CreateAsync(image, 4L * 1024 * KiB, seed: 31, dataFraction: 1);
        await _driver.BackupAsync(image, $"stalled-{mode}", blockSize: 64 * (int)KiB);
        await using var cloud = await StalledPutPageCloud.StartAsync();
        // A data agent whose destination "stalled" is Azurite's account by key at the stalling cloud's address.
        using var folder = new TempDirectory("fuse-cancel");
        await using var dataAgent = await agents.StartDataAgentAsync(folder.Combine("cache"),
            [$"--DataAgent:MountPath={folder.Combine("mount")}", $"--DataAgent:PseudoDisk={mode}", .. agents.AzuriteAt("stalled", cloud.BlobEndpoint)]);
        // Two 64 KiB slots: once both pages are held in Put Page, the job's 1 MiB pwrite waits in the cache.
        var request = _driver.Request($"stalled-{mode}", $"stalled-{mode}.vhd", pageSize: 64 * KiB, cacheSize: 128 * KiB,
            destination: "stalled");
        request.VerifyMode = VerifyMode.None;
        using var channel = agents.ChannelTo(dataAgent);
        var client = new Protocol.V1.DataAgent.DataAgentClient(channel);
        var started = await client.StartRestoreAsync(request);
        await cloud.WaitForHeldPutPagesAsync(2);

        Assert.True(File.Exists(folder.Combine("cache", started.JobId, "journal")), "the job wrote no journal");

        var cancelling = System.Diagnostics.Stopwatch.StartNew();
        await client.CancelRestoreAsync(new CancelRestoreRequest { JobId = started.JobId });
        var last = await RestoreDriver.WatchAsync(client, started.JobId).WaitAsync(TimeSpan.FromSeconds(5));
        Console.WriteLine($"cancel ({mode}): the job ended {cancelling.Elapsed.TotalSeconds:F2} s after CancelRestore");

        Assert.Equal(RestoreState.Cancelled, last.State);
        Assert.False(Directory.Exists(folder.Combine("cache", started.JobId)), "the cancelled job's journal is still there");
        await cloud.WaitForAbandonedPutPagesAsync(2);
    }
}
