using System.Diagnostics;
using Grpc.Core;
using RestoreAgents.Bench.Harness;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.Bench.Contenders;

/// <summary>
/// A real restore: a fresh data agent process (so its memory high-water mark is this run's alone) with
/// DataAgent:PseudoDisk=<paramref name="pseudoDisk"/>, a StartRestore over gRPC, timed until WatchRestore reports
/// the job completed. Verification inside the agent is off; the harness checks every blob afterwards instead.
/// With <paramref name="exportTelemetry"/>, the data agent traces and measures, exporting over OTLP to the rig's
/// receiver; without, it has no endpoint and so no telemetry at all. With <paramref name="throttled"/>, the blob
/// service is a <see cref="ThrottledCloud"/> stand-in before Azurite, and the run also reports the share of its cap
/// the restore kept and the share of Put Page calls it had refused. With <paramref name="verify"/> Proof, the data
/// agent proves the blob as it writes it (block hashes checked before each Put Page, page ranges at the end).
/// </summary>
public sealed class EndToEndContender(BenchRig rig, SourceDisk disk, BenchSettings settings, string pseudoDisk,
    bool exportTelemetry = false, ThrottledCloud? throttled = null, VerifyMode verify = VerifyMode.None) : IContender
{
    private const string MediaAgentName = "bench";
    private const string DestinationName = "azurite";

    public string Name => throttled is not null ? ContenderNames.EndToEndThrottled
        : $"e2e-{pseudoDisk}{(exportTelemetry ? "-otlp" : "")}{(verify == VerifyMode.Proof ? "-proof" : "")}";

    public string Description => (throttled is not null
        ? $"e2e-{pseudoDisk} into a throttling stand-in ({throttled.Describe()}): the data agent's pacer rides the cap"
        : pseudoDisk == "fuse"
        ? "media agent → gRPC over mutual TLS → data agent writing through its FUSE pseudo-disk file → page cache → Put Page"
        : "media agent → gRPC over mutual TLS → data agent writing straight into its page cache → Put Page")
        + (exportTelemetry
            ? "; the data agent traces and measures, exporting spans, metrics and logs over OTLP/HTTP to a receiver "
              + "in the harness (the standard OTEL_* settings)"
            : "")
        + (verify == VerifyMode.Proof ? "; the data agent proves the blob as it writes it (verify mode proof)" : "");

    public async Task<ContenderRun> RunAsync(RunSlot slot, CancellationToken cancellationToken)
    {
        var cacheFolder = slot.Combine("cache");
        Directory.CreateDirectory(cacheFolder);
        // Only where to export: the batch and metric intervals stay the SDK's defaults, as in production.
        string[] telemetry = exportTelemetry
            ? [.. rig.Otlp.ExporterVariables.Where(v => v.Key.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal))
                .Select(v => $"--{v.Key}={v.Value}")]
            : [];
        await using var proxy = throttled is null ? null : await throttled.StartAsync(rig.Azurite.BlobEndpoint);
        await using var agent = await AgentProcess.StartAsync("RestoreAgents.DataAgent", rig.Pki,
        [
            $"--DataAgent:CacheDirectory={cacheFolder}",
            $"--DataAgent:PseudoDisk={pseudoDisk}",
            $"--DataAgent:MountPath={slot.Combine("mount")}",
            $"--DataAgent:PageSizeBytes={BenchSettings.PageSize}",
            $"--DataAgent:CacheSizeBytes={settings.CacheBytes}",
            $"--DataAgent:UploadParallelism={settings.UploadParallelism}",
            // The media agent and Azurite by name, as an operator configures them; the key in an owner-only file.
            $"--DataAgent:MediaAgents:{MediaAgentName}:Url={rig.MediaAgent.Url}",
            .. AzuriteFixture.DestinationSettings(DestinationName, proxy?.BlobEndpoint ?? rig.Azurite.BlobEndpoint,
                OwnerOnlyFile.Write(slot.Combine("azurite.key"), AzuriteFixture.AccountKey)),
            "--Logging:LogLevel:Default=Warning",
            // AgentProcess waits for the host's "Now listening on:" line.
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            .. telemetry,
        ]);

        using var channel = rig.Pki.Channel(agent.Url, TestPki.Operator);
        var client = new DataAgent.DataAgentClient(channel);
        var request = new StartRestoreRequest
        {
            MediaAgent = MediaAgentName,
            CopyName = disk.CopyName,
            Target = new RestoreTarget
            {
                Destination = DestinationName,
                Container = BenchRig.Container,
                BlobName = slot.BlobName,
            },
            PageSizeBytes = BenchSettings.PageSize,
            CacheSizeBytes = (ulong)settings.CacheBytes,
            VerifyMode = verify,
        };

        var startRss = ProcStatus.Read(agent.Id).RssBytes;
        var cpuBefore = ProcStatus.CpuTime(agent.Id);
        RestoreProgress last;
        TimeSpan wall;
        CacheFolderWatcher watcher;
        await using (watcher = new CacheFolderWatcher(cacheFolder, TimeSpan.FromMilliseconds(10)))
        {
            var clock = Stopwatch.StartNew();
            var started = await client.StartRestoreAsync(request, cancellationToken: cancellationToken);
            last = await WatchToEndAsync(client, started.JobId, cancellationToken);
            wall = clock.Elapsed;
        }
        var cpu = ProcStatus.CpuTime(agent.Id) - cpuBefore;
        var memory = ProcStatus.Read(agent.Id);

        if (last.State != RestoreState.Completed)
            throw new InvalidOperationException(
                $"{Name}: job {last.JobId} ended {last.State}: {last.Error}\nthe data agent's log ends:\n"
                + string.Join('\n', agent.Output.Split('\n').TakeLast(20)));
        if (verify != VerifyMode.None && !last.Verified)
            throw new InvalidOperationException($"{Name}: job {last.JobId} completed without its proof");

        var (ofCap, refused) = throttled is not null && proxy is not null
            ? throttled.Measure(proxy.Requests, slot.BlobName)
            : (default(double?), default(double?));
        var measurement = new Measurement
        {
            CapFraction = ofCap,
            RefusedFraction = refused,
            Contender = Name,
            Repetition = slot.Repetition,
            Wall = wall,
            PeakRssBytes = memory.PeakRssBytes,
            StartRssBytes = startRss,
            PeakLocalDiskBytes = watcher.PeakBytes,
            CpuTime = cpu,
            PagesUploaded = (long)last.PagesUploaded,
        };
        return new ContenderRun(measurement, new BlobOutput(slot.BlobName, HasFooter: true));
    }

    private static async Task<RestoreProgress> WatchToEndAsync(DataAgent.DataAgentClient client, string jobId,
        CancellationToken cancellationToken)
    {
        using var watch = client.WatchRestore(new WatchRestoreRequest { JobId = jobId },
            cancellationToken: cancellationToken);
        RestoreProgress? last = null;
        await foreach (var progress in watch.ResponseStream.ReadAllAsync(cancellationToken))
            last = progress;
        return last ?? throw new InvalidOperationException($"job {jobId} sent no progress");
    }
}
