using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// The proxy's cache disk fills during a restore (StartRestore found room for its cache, then something else took
/// it): the job fails naming the cache file and the cause, the pages already uploaded stay in the blob as they
/// were, and the data agent goes on serving.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse, RealPart.Root)]
[Collection(AgentsCollection.Name)]
public sealed class ProxyDiskFullTests(AgentsFixture agents)
{
    private const uint MiB = 1024 * 1024;
    private readonly RestoreDriver _driver = new(agents);

    [Theory]
    [InlineData("fuse")]
    [InlineData("direct")]
    public async Task Restore_CacheDiskFills_FailsNamingTheCacheFileAndKeepsWhatWasUploaded(string mode)
    {
        using var folder = new TempDirectory("full-proxy");
        var cache = folder.Combine("cache");
        Directory.CreateDirectory(cache);
        await MustRunAsync("mount", "-t", "tmpfs", "-o", "size=10m", "tmpfs", cache);
        try
        {
            // Its destination "silent": Azurite's account by key at a port that accepts and never answers.
            await using var silent = new SilentEndpoint();
            await using var dataAgent = await agents.StartDataAgentAsync(cache, [$"--DataAgent:PseudoDisk={mode}",
                $"--DataAgent:MountPath={folder.Combine("mount")}", "--DataAgent:MaxConcurrentJobs=1",
                .. agents.AzuriteAt("silent", $"http://127.0.0.1:{silent.Port}/{AzuriteFixture.AccountName}")]);
            using var channel = agents.ChannelTo(dataAgent);
            var client = new Protocol.V1.DataAgent.DataAgentClient(channel);
            var name = $"full-{mode}";
            var image = Path.Combine(agents.WorkPath, $"{name}.raw");
            await TestDiskImage.CreateAsync(image, 32L * MiB, seed: 41, dataFraction: 1.0);
            await _driver.BackupAsync(image, name);
            // A job waiting on a silent cloud holds the only run slot, so the restore is admitted (1 + 8 MiB of
            // caches fit in 10 MiB) and queued before its cache takes any space.
            var holder = _driver.Request(name, "held.vhd", MiB, MiB, destination: "silent");
            var holding = await client.StartRestoreAsync(holder);
            var restore = await client.StartRestoreAsync(_driver.Request(name, $"{name}.vhd", MiB, 8 * MiB));
            // Something else takes the space: 1.5 MiB stay free under a cache that may grow to 8 MiB, so the
            // second slot in use cannot be written.
            var filler = Path.Combine(cache, "filler");
            await File.WriteAllBytesAsync(filler, new byte[17 * MiB / 2]);
            await client.CancelRestoreAsync(new CancelRestoreRequest { JobId = holding.JobId });

            var result = await RestoreDriver.WatchAsync(client, restore.JobId);

            Assert.Equal(RestoreState.Failed, result.State);
            Assert.Contains("No space left on device", result.Error);
            Assert.Contains(cache, result.Error);
            await AssertUploadedPagesMatchAsync($"{name}.vhd", image);
            await client.ListRestoresAsync(new ListRestoresRequest());
            Assert.Equal([filler], Directory.EnumerateFileSystemEntries(cache));
        }
        finally
        {
            await MustRunAsync("umount", "-l", cache);
        }
    }

    /// <summary>
    /// Every sector the blob holds is the source's sector, or zeros where a partly filled page was uploaded before
    /// the rest of it arrived: nothing uploaded is torn or wrong, and at least the first full page is there.
    /// </summary>
    private async Task AssertUploadedPagesMatchAsync(string blobName, string image)
    {
        var blob = new PageBlobClient(agents.Azurite.ConnectionString, "restores", blobName);
        var source = await File.ReadAllBytesAsync(image);
        var ranges = (await blob.GetAllPageRangesAsync().ToListAsync()).Where(r => !r.IsClear)
            .Select(r => (Offset: r.Range.Offset, Length: r.Range.Length ?? 0)).ToList();
        long restored = 0;
        foreach (var range in ranges)
        {
            var content = (await blob.DownloadContentAsync(new BlobDownloadOptions
            {
                Range = new HttpRange(range.Offset, range.Length),
            })).Value.Content.ToArray();
            for (int sector = 0; sector < content.Length; sector += 512)
            {
                var inBlob = content.AsSpan(sector, 512);
                var inSource = source.AsSpan((int)range.Offset + sector, 512);
                if (inBlob.SequenceEqual(inSource)) restored += 512;
                else Assert.True(inBlob.IndexOfAnyExcept((byte)0) < 0,
                    $"the blob's sector at {range.Offset + sector} is neither the source's nor zeros");
            }
        }
        Assert.True(restored >= MiB, $"only {restored} bytes of the source reached the blob");
    }

    private static async Task MustRunAsync(string command, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(command, arguments);
        Assert.True(result.ExitCode == 0, $"{command} {string.Join(' ', arguments)}: {result.Combined}");
    }
}
