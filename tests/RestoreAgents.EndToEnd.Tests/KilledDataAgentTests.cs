using RestoreAgents.Protocol.V1;
using RestoreAgents.PseudoDisk.Interop;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// A data agent killed with SIGKILL mid-restore leaves a stale FUSE mount and a page cache on the proxy; the next
/// agent on the same folders clears both and restores the copy again, byte for byte.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse, RealPart.QemuImg)]
[Collection(AgentsCollection.Name)]
public sealed class KilledDataAgentTests(AgentsFixture agents)
{
    private const uint MiB = 1024 * 1024;
    private readonly RestoreDriver _driver = new(agents);

    [Fact]
    public async Task DataAgentKilledMidRestore_NextStartClearsWhatItLeftAndRestoresAgain()
    {
        using var folder = new TempDirectory("killed-agent");
        var cache = folder.Combine("cache");
        var mount = folder.Combine("mount");
        string[] settings = [$"--DataAgent:CacheDirectory={cache}", $"--DataAgent:MountPath={mount}", .. agents.NamedParts];
        var image = Path.Combine(agents.WorkPath, "killed.raw");
        await TestDiskImage.CreateAsync(image, 96L * MiB, seed: 51, dataFraction: 1.0);
        await _driver.BackupAsync(image, "killed");
        var request = _driver.Request("killed", "killed.vhd", 512 * 1024, MiB);

        await using var first = await AgentProcess.StartAsync("RestoreAgents.DataAgent", agents.Pki, settings);
        using (var channel = agents.Pki.Channel(first.Url, TestPki.Operator))
        {
            var client = new Protocol.V1.DataAgent.DataAgentClient(channel);
            var job = (await client.StartRestoreAsync(request)).JobId;
            using var watch = client.WatchRestore(new WatchRestoreRequest { JobId = job });
            while (await watch.ResponseStream.MoveNext(CancellationToken.None)
                && watch.ResponseStream.Current.BytesRestored == 0)
            {
            }
            Assert.True(watch.ResponseStream.Current.State == RestoreState.Running, first.Output);

            first.Kill();
            Assert.True(Directory.Exists(Path.Combine(cache, job)), "the killed agent left no cache folder");
        }
        // Killed while writing into its own mount, the agent hangs in exit until its FUSE connection is aborted.
        Assert.True(MountTable.Find(mount) is { IsFuse: true }, "the killed agent left no mount: the test proves nothing");

        await using var second = await AgentProcess.StartAsync("RestoreAgents.DataAgent", agents.Pki, settings);
        Assert.True(await first.ExitedWithinAsync(TimeSpan.FromSeconds(30)),
            "the killed agent is still stuck in exit after the next agent started");
        Assert.Empty(Directory.EnumerateFileSystemEntries(cache));
        Assert.Contains("was cleared", second.Output);
        request.Overwrite = true;
        var result = await _driver.RestoreAsync(request, second.Url);

        Assert.True(result.State == RestoreState.Completed, $"{result.Error}\n{second.Output}");
        Assert.True(result.Verified);
        var compare = await QemuImg.CompareAsync(image, await _driver.DownloadAsync("killed.vhd"), "raw", "vpc");
        Assert.True(compare.ExitCode == 0, compare.Combined);
    }
}
