using System.Globalization;
using System.Text;

namespace RestoreAgents.Bench;

/// <summary>The medians of every contender side by side, the ratios that matter, written as Markdown.</summary>
internal sealed class Report(BenchContext context, IReadOnlyList<Measurement> runs, string machine, string command)
{
    private const double MiB = 1024 * 1024;

    public string ToMarkdown()
    {
        var disk = context.Disk;
        var settings = context.Settings;
        var text = new StringBuilder();
        text.AppendLine("# Benchmark results").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"Produced by `{command}` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; ");
        text.AppendLine("every figure below comes from that one run. Regenerate with the same command.").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- **Machine:** {machine}");
        var made = settings.ImagePath ?? "scripts/make-demo-disk: MBR + ext4 holding real files";
        text.Append(CultureInfo.InvariantCulture, $"- **Disk:** {disk.Size / MiB:0} MiB raw image ({made}), ");
        text.Append(CultureInfo.InvariantCulture, $"{disk.AllocatedBytes / MiB:0.0} MiB allocated, ");
        text.AppendLine(CultureInfo.InvariantCulture, $"{disk.DataPages.Count} data pages of {settings.PageSize / MiB:0} MiB to upload.");
        text.Append(CultureInfo.InvariantCulture, $"- **Settings:** page {settings.PageSize / MiB:0} MiB, cache ");
        text.Append(CultureInfo.InvariantCulture, $"{settings.CacheSize / MiB:0} MiB ({(double)settings.CacheSize / disk.Size:P1} of the disk), ");
        text.Append(CultureInfo.InvariantCulture, $"{settings.UploadParallelism} Put Page calls in flight, {settings.Repetitions} repetitions ");
        text.AppendLine("after a warm-up round, contenders interleaved (the order rotates every round); Azurite in memory "
            + "on loopback; the data agent's own verification off (the harness checks every blob's SHA-256 against "
            + "the disk, outside the timing).");
        text.AppendLine();
        text.AppendLine("| contender | median wall | min – max | MiB/s of disk | MiB/s of data | vs ceiling | peak RSS | peak local disk (of disk size) |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var ceiling = Median(UploadCeiling.Name);
        foreach (var name in runs.Select(r => r.Contender).Distinct())
        {
            var mine = runs.Where(r => r.Contender == name).ToList();
            var median = Median(name);
            var rss = mine.Where(r => r.PeakRssBytes is not null).Select(r => r.PeakRssBytes!.Value).DefaultIfEmpty().Max();
            var local = mine.Max(r => r.PeakLocalBytes);
            var rssText = rss > 0 ? $"{rss / MiB:0} MiB" : "— (in the harness)";
            text.Append(CultureInfo.InvariantCulture, $"| {name} | {median.TotalSeconds:0.00} s | ");
            text.Append(CultureInfo.InvariantCulture, $"{mine.Min(r => r.Wall).TotalSeconds:0.00} – {mine.Max(r => r.Wall).TotalSeconds:0.00} s | ");
            text.Append(CultureInfo.InvariantCulture, $"{disk.Size / MiB / median.TotalSeconds:0.0} | ");
            text.Append(CultureInfo.InvariantCulture, $"{disk.AllocatedBytes / MiB / median.TotalSeconds:0.0} | {ceiling / median:0.00} | ");
            text.AppendLine(CultureInfo.InvariantCulture, $"{rssText} | {local / MiB:0.0} MiB ({(double)local / disk.Size:P1}) |");
        }
        text.AppendLine();
        text.AppendLine("Ratios of medians (higher is better for the first named):").AppendLine();
        Ratio(text, "end-to-end FUSE / end-to-end direct (target ≥ 0.8)", EndToEndRestore.Name("direct"), EndToEndRestore.Name("fuse"));
        Ratio(text, "pseudo-disk level FUSE / direct (target ≥ 0.8)", PseudoDiskWrite.DirectName, PseudoDiskWrite.FuseName);
        Ratio(text, "end-to-end direct / upload ceiling", UploadCeiling.Name, EndToEndRestore.Name("direct"));
        Ratio(text, "end-to-end FUSE / upload ceiling", UploadCeiling.Name, EndToEndRestore.Name("fuse"));
        Ratio(text, "end-to-end FUSE / two-phase", TwoPhaseRestore.Name, EndToEndRestore.Name("fuse"));
        var phases = runs.Where(r => r.Phases is not null).ToList();
        if (phases.Count > 0)
        {
            text.AppendLine().Append("Two-phase, median of each phase: ");
            text.AppendLine(string.Join(", ", phases[0].Phases!.Keys.Select(phase =>
                $"{phase} {MedianOf(phases.Select(r => r.Phases![phase])).TotalSeconds:0.00} s")) + ".");
        }
        return text.ToString();
    }

    /// <summary>Throughput of <paramref name="contender"/> over that of <paramref name="baseline"/>.</summary>
    private void Ratio(StringBuilder text, string label, string baseline, string contender) =>
        text.AppendLine(CultureInfo.InvariantCulture, $"- {label}: **{Median(baseline) / Median(contender):0.00}**");

    private TimeSpan Median(string contender) => MedianOf(runs.Where(r => r.Contender == contender).Select(r => r.Wall));

    private static TimeSpan MedianOf(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
