using Azure.Storage.Blobs.Specialized;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RestoreAgents.Protocol.V1;
using RestoreAgents.PseudoDisk.Interop;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// Stopping the data agent (what SIGTERM does through the host) in the middle of a restore interrupts the job
/// cleanly: the watcher is told, the cache keeps only the job's journal, the mount is gone, and the half-written blob
/// never gets the footer that would make it pass for a whole disk. The next start resumes the job to its end.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse)]
[Collection(AgentsCollection.Name)]
public sealed class ShutdownTests(AgentsFixture agents)
{
    private const uint MiB = 1024 * 1024;
    private readonly RestoreDriver _driver = new(agents);

    [Fact]
    public async Task StoppingTheDataAgent_DuringARestore_InterruptsTheJob_AndTheNextStartResumesIt()
    {
        using var folder = new TempDirectory("stopping-agent");
        var cache = folder.Combine("cache");
        var mount = folder.Combine("mount");
        var dataAgent = await agents.StartDataAgentAsync(cache, $"--DataAgent:MountPath={mount}");
        var image = Path.Combine(agents.WorkPath, "stopped.raw");
        await TestDiskImage.CreateAsync(image, 192L * MiB, seed: 31, dataFraction: 1.0);
        await _driver.BackupAsync(image, "stopped");

        RestoreProgress last;
        string job;
        await using (dataAgent)
        {
            using var channel = agents.ChannelTo(dataAgent);
            var client = new Protocol.V1.DataAgent.DataAgentClient(channel);
            // 1 MiB of cache for 192 MiB of data: the job is bound to be mid-stream when the agent stops.
            var started = await client.StartRestoreAsync(_driver.Request("stopped", "stopped.vhd", 512 * 1024, MiB));
            job = started.JobId;
            using var watch = client.WatchRestore(new WatchRestoreRequest { JobId = started.JobId });
            last = await ReadUntilAsync(watch.ResponseStream, p => p.PagesUploaded > 0);
            Assert.Equal(RestoreState.Running, last.State);

            var stopping = dataAgent.StopAsync();
            last = await ReadUntilAsync(watch.ResponseStream, p => p.State != RestoreState.Running);
            await stopping;
        }

        Assert.True(last.State == RestoreState.Interrupted, $"{last.State}: {last.Error}");
        Assert.True(last.BytesRestored < 192ul * MiB, "the restore finished before the agent stopped");
        Assert.Equal([Path.Combine(cache, job)], Directory.EnumerateFileSystemEntries(cache));
        Assert.Equal([Path.Combine(cache, job, "journal")], Directory.EnumerateFileSystemEntries(Path.Combine(cache, job)));
        Assert.False(MountTable.Find(mount) is { IsFuse: true }, $"the pseudo-disk is still mounted at {mount}");
        var blob = new PageBlobClient(agents.Azurite.ConnectionString, "restores", "stopped.vhd");
        var tail = new byte[8];
        var size = (await blob.GetPropertiesAsync()).Value.ContentLength;
        await using (var read = await blob.OpenReadAsync(position: size - 512))
            await read.ReadExactlyAsync(tail);
        Assert.NotEqual("conectix"u8.ToArray(), tail);

        using var log = new LogRecorder("RestoreAgents.DataAgent.Jobs.RestoreJobRegistry");
        await using var next = await agents.StartDataAgentAsync(cache, builder => builder.Logging.AddProvider(log),
            $"--DataAgent:MountPath={mount}");
        await HangGuard.Within(log.LineAsync(line => line.Contains($"Restore {job} resumes", StringComparison.Ordinal)),
            $"job {job} to resume");
        using var nextChannel = agents.ChannelTo(next);
        var resumed = await RestoreDriver.WatchAsync(new Protocol.V1.DataAgent.DataAgentClient(nextChannel), job);
        Assert.True(resumed.State == RestoreState.Completed, $"{resumed.State}: {resumed.Error}");
        Assert.True(resumed.Verified);
        Assert.Equal(1u, resumed.Resumes);
        Assert.True(resumed.BytesKeptAtResume > 0, "the resume kept nothing of what the first run put in the blob");
        Assert.Empty(Directory.EnumerateFileSystemEntries(cache));
    }

    private static async Task<RestoreProgress> ReadUntilAsync(IAsyncStreamReader<RestoreProgress> stream,
        Func<RestoreProgress, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (await stream.MoveNext(timeout.Token))
        {
            if (condition(stream.Current)) return stream.Current;
        }
        throw new InvalidOperationException("the watch stream ended before the expected progress");
    }
}
