using RestoreAgents.Bench.Contenders;

namespace RestoreAgents.Bench.Report;

/// <summary>A contender's timed runs reduced to what the report shows: median and spread, worst peaks.</summary>
public sealed record ContenderSummary(
    string Name,
    string Description,
    IReadOnlyList<Measurement> Runs)
{
    public TimeSpan Median => MedianOf(Runs.Select(r => r.Wall));
    public TimeSpan Fastest => Runs.Min(r => r.Wall);
    public TimeSpan Slowest => Runs.Max(r => r.Wall);

    /// <summary>(slowest − fastest) / median: how far apart the runs were.</summary>
    public double Spread => (Slowest - Fastest) / Median;

    public TimeSpan MedianCpu => MedianOf(Runs.Select(r => r.CpuTime));
    public TimeSpan MedianAzuriteCpu => MedianOf(Runs.Select(r => r.AzuriteCpuTime));
    public TimeSpan MedianMediaAgentCpu => MedianOf(Runs.Select(r => r.MediaAgentCpuTime));

    /// <summary>The highest VmHWM of any run: what the process needed at worst.</summary>
    public long PeakRssBytes => Runs.Max(r => r.PeakRssBytes);

    public long StartRssBytes => (long)MedianOf(Runs.Select(r => (double)r.StartRssBytes));

    public long PeakLocalDiskBytes => Runs.Max(r => r.PeakLocalDiskBytes);

    /// <summary>Distinct upload counts over the runs ("75", or "75–77" when early flushes varied).</summary>
    public string Pages => Runs.Min(r => r.PagesUploaded) == Runs.Max(r => r.PagesUploaded)
        ? $"{Runs[0].PagesUploaded}"
        : $"{Runs.Min(r => r.PagesUploaded)}–{Runs.Max(r => r.PagesUploaded)}";

    /// <summary>The phases' names in order, with the median of each.</summary>
    public IReadOnlyList<(string Name, TimeSpan Median)> Phases =>
        Runs[0].Phases.Select(p => (p.Name, MedianOf(Runs.Select(r => r.Phases.Single(q => q.Name == p.Name).Wall))))
            .ToList();

    public static TimeSpan MedianOf(IEnumerable<TimeSpan> values) =>
        TimeSpan.FromTicks((long)MedianOf(values.Select(v => (double)v.Ticks)));

    public static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new InvalidOperationException("no runs to take a median of");
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
