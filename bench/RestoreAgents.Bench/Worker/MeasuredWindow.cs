using System.Diagnostics;
using RestoreAgents.Bench.Contenders;
using RestoreAgents.Bench.Harness;

namespace RestoreAgents.Bench.Worker;

/// <summary>The timed window of a worker run: wall clock, this process's CPU, and its memory at both ends.</summary>
internal sealed class MeasuredWindow
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan _cpuAtStart = Environment.CpuUsage.TotalTime;
    private readonly long _rssAtStart = ProcStatus.ReadSelf().RssBytes;
    private TimeSpan? _closedAt;
    private TimeSpan _cpu;

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>The window's length, once closed.</summary>
    public TimeSpan Wall => _closedAt ?? throw new InvalidOperationException("the window is still open");

    public void Close()
    {
        _closedAt = _clock.Elapsed;
        _cpu = Environment.CpuUsage.TotalTime - _cpuAtStart;
    }

    public Measurement ToMeasurement(WorkerRequest request, long peakLocalDiskBytes, long pagesUploaded,
        IReadOnlyList<PhaseTime>? phases = null) => new()
    {
        Contender = request.Contender,
        Repetition = request.Repetition,
        Wall = Wall,
        Phases = phases ?? [],
        PeakRssBytes = ProcStatus.ReadSelf().PeakRssBytes,
        StartRssBytes = _rssAtStart,
        PeakLocalDiskBytes = peakLocalDiskBytes,
        CpuTime = _cpu,
        PagesUploaded = pagesUploaded,
    };
}
