using RestoreAgents.Protocol.V1;
using RestoreAgents.Caching;
using System.Diagnostics;
using System.Text.Json;
using RestoreAgents.Bench.Contenders;
using RestoreAgents.Bench.Report;
using RestoreAgents.Testing;

namespace RestoreAgents.Bench.Harness;

/// <summary>
/// One benchmark run: makes the disk, starts the rig, runs a warm-up round and then the timed rounds (every
/// contender once per round, the order rotating by one each round), checks every output, and reports.
/// </summary>
public sealed class BenchHarness(BenchSettings settings, string command, TextWriter console)
{
    private const int WarmUpRounds = 1;

    public async Task<BenchRun> RunAsync(CancellationToken cancellationToken)
    {
        var names = settings.Contenders.Count == 0 ? ContenderNames.All : settings.Contenders;
        foreach (var unknown in names.Except(ContenderNames.All))
            throw new ArgumentException($"no contender '{unknown}'; there are {string.Join(", ", ContenderNames.All)}");
        Prerequisites.Check(needsFuse: names.Any(n => n.EndsWith("fuse", StringComparison.Ordinal)));

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var work = new TempDirectory("restoreagents-bench");
        Say($"building a {settings.DiskMib} MiB demo disk and backing it up (work folder {work.Path})");
        var disk = await SourceDisk.CreateAsync(work.Path, settings.DiskMib, cancellationToken);
        Say($"disk: {disk.DiskSize >> 20} MiB, {disk.AllocatedBytes >> 20} MiB of data in {disk.DataExtents.Count} extents");

        await using var rig = await BenchRig.StartAsync(disk);
        var contenders = names.Select(name => Create(name, rig, disk)).ToList();
        var check = new RestoreCheck(rig, disk);

        // Warm-up: the OS file cache holds the image and the store, Azurite's JIT is warm, a broken part shows.
        foreach (var contender in contenders)
            await RunOnceAsync(contender, round: 0, work.Path, rig, check, cancellationToken);

        await QuietMoment.WaitAsync(settings.QuietLoad, settings.QuietWait, Say, cancellationToken);
        var loadBefore = MachineInfo.LoadAverage();
        var runs = contenders.ToDictionary(c => c.Name, _ => new List<Measurement>());
        for (int round = 1; round <= settings.Repetitions; round++)
        {
            // Each round starts one contender later, so "first after a pause" or "right after a FUSE run"
            // falls on every contender alike.
            var first = (round - 1) % contenders.Count;
            foreach (var contender in contenders.Skip(first).Concat(contenders.Take(first)))
                runs[contender.Name].Add(await RunOnceAsync(contender, round, work.Path, rig, check, cancellationToken));
        }
        var loadAfter = MachineInfo.LoadAverage();

        var summaries = contenders.Select(c => new ContenderSummary(c.Name, c.Description, runs[c.Name])).ToList();
        return new BenchRun(started, clock.Elapsed, command, await GitCommitAsync(cancellationToken),
            AzuriteVersion(), MachineInfo.Read(), loadBefore, loadAfter, settings, disk, WarmUpRounds, summaries);
    }

    private async Task<Measurement> RunOnceAsync(IContender contender, int round, string workFolder, BenchRig rig,
        RestoreCheck check, CancellationToken cancellationToken)
    {
        var label = round == 0 ? "warm-up" : $"round {round}/{settings.Repetitions}";
        var folder = Path.Combine(workFolder, $"{contender.Name}-{round}");
        Directory.CreateDirectory(folder);
        var slot = new RunSlot(round, folder, $"{contender.Name}-{round}.vhd");
        try
        {
            var rigBefore = rig.CpuTime();
            var run = await contender.RunAsync(slot, cancellationToken);
            var rigAfter = rig.CpuTime();
            // qemu-img's verdict once per contender (it downloads the whole disk); byte checks every run.
            await check.VerifyAsync(run.Output, withQemuImg: round == 1, folder, cancellationToken);
            // The rig's CPU over the whole run (agent start included, when Azurite and the media agent idle).
            var m = run.Measurement with
            {
                AzuriteCpuTime = rigAfter.Azurite - rigBefore.Azurite,
                MediaAgentCpuTime = rigAfter.MediaAgent - rigBefore.MediaAgent,
            };
            Say($"{label,-12} {contender.Name,-19} {m.Wall.TotalSeconds,7:F2} s  CPU {m.CpuTime.TotalSeconds,4:F1}+{m.AzuriteCpuTime.TotalSeconds:F1}+{m.MediaAgentCpuTime.TotalSeconds:F1} s  "
                + $"peak RSS {m.PeakRssBytes >> 20,4} MiB  local disk {m.PeakLocalDiskBytes >> 20,4} MiB  "
                + $"pages {m.PagesUploaded}  checked{(round == 1 && run.Output is BlobOutput { HasFooter: true } ? " + qemu-img" : "")}");
            return m;
        }
        finally
        {
            await rig.DeleteBlobAsync(slot.BlobName, cancellationToken);
            TryDelete(folder);
        }
    }

    private IContender Create(string name, BenchRig rig, SourceDisk disk) => name switch
    {
        ContenderNames.EndToEndDirect => new EndToEndContender(rig, disk, settings, "direct"),
        ContenderNames.EndToEndDirectProof => new EndToEndContender(rig, disk, settings, "direct",
            verify: VerifyMode.Proof),
        ContenderNames.EndToEndFuse => new EndToEndContender(rig, disk, settings, "fuse"),
        ContenderNames.EndToEndFuseOtlp => new EndToEndContender(rig, disk, settings, "fuse", exportTelemetry: true),
        ContenderNames.EndToEndThrottled => new EndToEndContender(rig, disk, settings, "direct", throttled:
            new ThrottledCloud { BytesPerSecond = settings.ThrottleMibPerSecond * BenchSettings.MiB }),
        ContenderNames.Ceiling => new WorkerContender(rig, disk, settings, name,
            "the disk's non-zero 4 MiB pages read from the raw image and put into a page blob with the project's "
            + "AzurePageBlob (PageBlobClient.UploadPages with a transactional MD5), the same number in "
            + "flight as the data agent: no media agent, no cache — the best the cloud side does"),
        ContenderNames.TwoPhase => new WorkerContender(rig, disk, settings, name,
            "the old way: phase 1 streams the copy from the media agent (generated gRPC client, XXH3 checked per "
            + "block) into a local sparse file and fsyncs it; phase 2 uploads that file's non-zero pages as the "
            + "ceiling does, then the VHD footer"),
        ContenderNames.PseudoDiskDirect => new WorkerContender(rig, disk, settings, name,
            "the disk's data in sequential 1 MiB PageCache.WriteAsync calls into a page cache over a local "
            + "FilePageBlob, then FlushAsync — no kernel, no cloud"),
        ContenderNames.PseudoDiskFuse => new WorkerContender(rig, disk, settings, name,
            "the same writes as sequential 1 MiB pwrite calls into the cache's file on a PseudoDiskMount (kernel "
            + "→ /dev/fuse → libfuse → the same page cache and FilePageBlob), then fsync and FlushAsync"),
        _ => throw new ArgumentException($"no contender '{name}'"),
    };

    private void Say(string line) => console.WriteLine($"==> {line}");

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // a lazily unmounted FUSE folder may linger; the work folder goes at the end
        }
    }

    private static async Task<string> GitCommitAsync(CancellationToken cancellationToken)
    {
        var head = await ProcessRunner.RunAsync("git", ["-C", RepoPaths.Root, "rev-parse", "--short", "HEAD"],
            TimeSpan.FromSeconds(10), cancellationToken: cancellationToken);
        // The code that ran: the report the run is about to write does not count as a change.
        var status = await ProcessRunner.RunAsync("git",
            ["-C", RepoPaths.Root, "status", "--porcelain", "--", "src", "bench", "tests", ":(exclude)bench/RESULTS.md"],
            TimeSpan.FromSeconds(10), cancellationToken: cancellationToken);
        var commit = head.ExitCode == 0 ? head.StandardOutput.Trim() : "unknown";
        return status.StandardOutput.Trim().Length > 0 ? commit + " with local changes" : commit;
    }

    private static string AzuriteVersion()
    {
        var package = Path.Combine(RepoPaths.Root, "node_modules", "azurite", "package.json");
        using var json = JsonDocument.Parse(File.ReadAllBytes(package));
        return json.RootElement.GetProperty("version").GetString() ?? "unknown";
    }
}
