using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.Bench;

/// <summary>
/// The real thing: a fresh data agent process per run (so its memory high-water mark is this run's), a restore
/// started over gRPC and timed from StartRestore to the completed state. Verification is off in the data agent
/// (the harness checks every blob itself, outside the timing), so the figure is the restore alone.
/// </summary>
internal static class EndToEndRestore
{
    public static string Name(string pseudoDisk) => $"end-to-end, {pseudoDisk}";

    public static async Task<Measurement> RunAsync(BenchContext context, int run, string pseudoDisk)
    {
        var cache = context.Work.Combine($"agent-{pseudoDisk}-{run}", "cache");
        var mount = context.Work.Combine($"agent-{pseudoDisk}-{run}", "mount");
        var blobName = $"e2e-{pseudoDisk}-{run}.vhd";
        var name = Name(pseudoDisk);
        TimeSpan wall;
        long peakRss, peakLocal;
        await using (var dataAgent = await AgentProcess.StartAsync("RestoreAgents.DataAgent",
            $"--DataAgent:CacheDirectory={cache}", $"--DataAgent:MountPath={mount}",
            $"--DataAgent:PseudoDisk={pseudoDisk}",
            $"--DataAgent:UploadParallelism={context.Settings.UploadParallelism}"))
        {
            using var channel = GrpcChannel.ForAddress(dataAgent.Url);
            var client = new DataAgent.DataAgentClient(channel);
            RestoreProgress last;
            await using (var localDisk = new FolderPeak(cache))
            {
                var clock = Stopwatch.StartNew();
                var started = await client.StartRestoreAsync(Request(context, blobName));
                last = await WatchToEndAsync(client, started.JobId);
                wall = clock.Elapsed;
                peakLocal = localDisk.PeakBytes;
            }
            peakRss = ProcessMemory.PeakResidentBytes(dataAgent.Id);
            if (last.State != RestoreState.Completed)
                throw new InvalidOperationException($"{name}: the job ended {last.State}: {last.Error}\n{dataAgent.Output}");
        }
        await context.CheckAsync(blobName, name);
        return new Measurement(name, wall, peakRss, peakLocal);
    }

    private static StartRestoreRequest Request(BenchContext context, string blobName) => new()
    {
        MediaAgentUrl = context.MediaAgent.Url.ToString(),
        CopyName = context.Disk.Copy.Name,
        Destination = new PageBlobDestination
        {
            ConnectionString = context.Azurite.ConnectionString,
            Container = BenchContext.Container,
            BlobName = blobName,
        },
        PageSizeBytes = (uint)context.Settings.PageSize,
        CacheSizeBytes = (ulong)context.Settings.CacheSize,
        Verify = false,
        Overwrite = true,
    };

    private static async Task<RestoreProgress> WatchToEndAsync(DataAgent.DataAgentClient client, string jobId)
    {
        using var watch = client.WatchRestore(new WatchRestoreRequest { JobId = jobId });
        RestoreProgress? last = null;
        await foreach (var progress in watch.ResponseStream.ReadAllAsync())
            last = progress;
        return last ?? throw new InvalidOperationException($"job {jobId} sent no progress");
    }
}
