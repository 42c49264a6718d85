using System.Globalization;
using System.Text;
using RestoreAgents.Bench.Contenders;
using RestoreAgents.Bench.Harness;

namespace RestoreAgents.Bench.Report;

/// <summary>The results table, the ratios the brief asks for, and the Markdown report around them.</summary>
public sealed class ResultsReport(BenchRun run)
{
    private const double MiB = 1024 * 1024;

    /// <summary>FUSE should cost at most a fifth of direct's throughput.</summary>
    public const double FuseTarget = 0.8;

    /// <summary>Tracing and metrics with OTLP export should cost under 5 % against both off.</summary>
    public const double TelemetryTarget = 0.05;

    public TextTable Results()
    {
        var table = new TextTable("contender", "median s", "fastest–slowest s", "spread", "MiB/s disk",
            "MiB/s data", "× ceiling", "CPU s: own + Azurite + media", "peak RSS MiB", "peak local disk", "pages up");
        var ceiling = Find(ContenderNames.Ceiling);
        foreach (var contender in run.Contenders)
        {
            var seconds = contender.Median.TotalSeconds;
            table.Add(contender.Name, F(seconds, 2),
                $"{F(contender.Fastest.TotalSeconds, 2)}–{F(contender.Slowest.TotalSeconds, 2)}",
                $"{F(contender.Spread * 100, 0)} %",
                F(run.Disk.DiskSize / MiB / seconds, 1), F(run.Disk.AllocatedBytes / MiB / seconds, 1),
                ceiling is null ? "–" : F(ceiling.Median / contender.Median, 2),
                $"{F(contender.MedianCpu.TotalSeconds, 1)} + {F(contender.MedianAzuriteCpu.TotalSeconds, 1)} + "
                + F(contender.MedianMediaAgentCpu.TotalSeconds, 1),
                $"{F(contender.PeakRssBytes / MiB, 0)} (start {F(contender.StartRssBytes / MiB, 0)})",
                $"{F(contender.PeakLocalDiskBytes / MiB, 1)} MiB = {F(100.0 * contender.PeakLocalDiskBytes / run.Disk.DiskSize, 1)} %",
                contender.Pages);
            foreach (var (name, median) in contender.Phases)
                table.Add($"  {name}", F(median.TotalSeconds, 2), "", "",
                    F(run.Disk.DiskSize / MiB / median.TotalSeconds, 1),
                    F(run.Disk.AllocatedBytes / MiB / median.TotalSeconds, 1), "", "", "", "", "");
        }
        return table;
    }

    /// <summary>Throughput ratios: how much of one contender's speed another keeps.</summary>
    public IReadOnlyList<string> Ratios()
    {
        var lines = new List<string>();
        void Fuse(string fuse, string direct, string where)
        {
            if (Find(fuse) is not { } f || Find(direct) is not { } d) return;
            var ratio = d.Median / f.Median;
            lines.Add($"FUSE / direct {where}: {F(ratio, 2)} of direct's throughput "
                + $"(target ≥ {F(FuseTarget, 2)}: {(ratio >= FuseTarget ? "met" : "NOT met")})");
        }
        Fuse(ContenderNames.EndToEndFuse, ContenderNames.EndToEndDirect, "end to end");
        Fuse(ContenderNames.PseudoDiskFuse, ContenderNames.PseudoDiskDirect, "at the pseudo-disk");
        if (Find(ContenderNames.EndToEndFuseOtlp) is { } traced && Find(ContenderNames.EndToEndFuse) is { } plain)
        {
            var cpu = traced.MedianCpu / plain.MedianCpu - 1;
            var throughput = 1 - plain.Median / traced.Median;
            lines.Add($"telemetry (e2e-fuse-otlp / e2e-fuse): the data agent's CPU {Signed(cpu)}, "
                + $"time per restore {Signed(-throughput)} (target: under +{F(TelemetryTarget * 100, 0)} %: "
                + $"{(Math.Max(cpu, throughput) < TelemetryTarget ? "met" : "NOT met")})");
        }
        if (Find(ContenderNames.TwoPhase) is { } twoPhase)
        {
            foreach (var name in new[] { ContenderNames.EndToEndDirect, ContenderNames.EndToEndFuse })
            {
                if (Find(name) is not { } streaming) continue;
                lines.Add($"two-phase / {name}: two-phase takes {F(twoPhase.Median / streaming.Median, 2)}× "
                    + $"as long and holds {F(100.0 * twoPhase.PeakLocalDiskBytes / run.Disk.DiskSize, 1)} % of the "
                    + $"disk locally, against {F(100.0 * streaming.PeakLocalDiskBytes / run.Disk.DiskSize, 1)} %");
            }
        }
        foreach (var contender in run.Contenders.Where(c => c.Runs.All(r => r.CapFraction is not null)))
        {
            var ofCap = ContenderSummary.MedianOf(contender.Runs.Select(r => r.CapFraction!.Value));
            var refused = ContenderSummary.MedianOf(contender.Runs.Select(r => r.RefusedFraction!.Value));
            lines.Add($"{contender.Name}: {F(ofCap, 2)} of the stand-in's cap between the first and the last Put Page "
                + $"(median; target ≥ 0.95: {(ofCap >= 0.95 ? "met" : "NOT met")}), {F(refused * 100, 1)} % of Put Page "
                + $"calls refused (target ≤ 5 %: {(refused <= 0.05 ? "met" : "NOT met")}); runs: "
                + string.Join(", ", contender.Runs.Select(r => $"{F(r.CapFraction!.Value, 2)}/{F(r.RefusedFraction!.Value * 100, 1)} %")));
        }
        return lines;
    }

    /// <summary>"+6.7 %" or "-2.8 %": a change against the contender without.</summary>
    private static string Signed(double change) => (change >= 0 ? "+" : "") + F(change * 100, 1) + " %";

    public string ToText() => Results().ToText() + string.Concat(Ratios().Select(l => l + "\n"));

    public string ToMarkdown()
    {
        var disk = run.Disk;
        var settings = run.Settings;
        var machine = run.Machine;
        var text = new StringBuilder();
        text.AppendLine("# RestoreAgents benchmark results").AppendLine();
        text.AppendLine($"Run on {run.Started:yyyy-MM-dd HH:mm} UTC, {F(run.Duration.TotalMinutes, 1)} minutes, "
            + $"commit `{run.Commit}`. Made by:").AppendLine();
        text.AppendLine("```sh").AppendLine(run.Command).AppendLine("```").AppendLine();

        text.AppendLine("## Results").AppendLine();
        text.AppendLine($"Median of {settings.Repetitions} timed runs per contender, after {run.WarmUpRounds} "
            + "untimed warm-up round; the runs were interleaved (each round runs every contender once, the order "
            + "rotating by one each round) so that noise on the shared machine falls on all alike.").AppendLine();
        text.Append(Results().ToMarkdown()).AppendLine();
        foreach (var line in Ratios()) text.AppendLine($"- {line}");
        text.AppendLine();
        text.AppendLine("Columns: *MiB/s disk* is the disk's size over the median time, *MiB/s data* the copy's "
            + $"allocated data ({F(disk.AllocatedBytes / MiB, 1)} MiB, what the media agent sends) over it; "
            + "*× ceiling* is the contender's throughput as a fraction of the ceiling's; *CPU s* is the user + system "
            + "CPU of the measured process in the window (the data agent, or the harness worker), then Azurite's and "
            + "the media agent's over the whole run (medians; the machine has " + run.Machine.Cores + " cores); *peak RSS* is that process's VmHWM, with its resident size when the "
            + "window opened; *peak local disk* is the most the run held on the proxy's disk (the cache folder "
            + "sampled every 10 ms, or two-phase's local file as allocated on disk), as a share of the disk's size; "
            + "*pages up* counts Put Page calls with data.").AppendLine();

        text.AppendLine("## The contenders").AppendLine();
        foreach (var contender in run.Contenders)
            text.AppendLine($"- **{contender.Name}**: {contender.Description}");
        text.AppendLine();
        text.AppendLine("Every run's output was checked against the source outside its timed window: a blob's "
            + "written page ranges read back and compared byte for byte (everything else must be zeros in the "
            + "source), the VHD footer parsed, and in the first timed round `qemu-img compare` of the downloaded "
            + "VHD against the raw image; a pseudo-disk run's local page blob file compared whole. Restores run with "
            + "`VerifyMode.None`, but e2e-direct-proof, which times the data agent's own proof (block hashes "
            + "checked before each Put Page, page ranges at the end).").AppendLine();

        text.AppendLine("## Setup").AppendLine();
        text.AppendLine($"- Machine: {machine.Cores} cores ({machine.Cpu}), {F(machine.MemoryBytes / MiB / 1024, 1)} GiB "
            + $"RAM, Linux {machine.Kernel}, {machine.Runtime}; shared with other engineers' builds and tests.");
        text.AppendLine($"- Load average (1, 5, 15 min): {run.LoadBefore} before the timed runs, {run.LoadAfter} after.");
        text.AppendLine($"- Disk: {F(disk.DiskSize / MiB, 0)} MiB, {F(disk.FileSystemBytes / MiB, 1)} MiB allocated in "
            + $"the image file, {F(disk.AllocatedBytes / MiB, 1)} MiB of non-zero 1 MiB blocks in the copy. "
            + $"Made by {SourceDisk.HowMade}.");
        text.AppendLine($"- Page size {F(BenchSettings.PageSize / MiB, 0)} MiB; page cache {settings.CacheMib} MiB "
            + $"({F(100.0 * settings.CacheBytes / disk.DiskSize, 1)} % of the disk); {settings.UploadParallelism} Put "
            + "Page calls in flight for every contender; the data agent's defaults otherwise (its cloud retries "
            + "included).");
        text.AppendLine($"- Cloud: Azurite {run.AzuriteVersion} (`azurite-blob --inMemoryPersistence`) on loopback, "
            + "one instance for the whole run; each run's blob is deleted once checked.");
        text.AppendLine("- Agents: their Release builds under `dotnet`, on free loopback ports, as `run-demo` starts "
            + "them; one media agent for the whole run, a fresh data agent per end-to-end run.");
        return text.ToString();
    }

    private ContenderSummary? Find(string name) => run.Contenders.FirstOrDefault(c => c.Name == name);

    private static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);
}
