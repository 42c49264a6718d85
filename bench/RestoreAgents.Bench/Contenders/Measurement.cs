namespace RestoreAgents.Bench.Contenders;

/// <summary>What one run of one contender took and used.</summary>
public sealed record Measurement
{
    public required string Contender { get; init; }
    public required int Repetition { get; init; }

    /// <summary>The timed window: from the first request (StartRestore, the first write) to the disk being whole.</summary>
    public required TimeSpan Wall { get; init; }

    /// <summary>Named parts of the window, for contenders that have phases (two-phase).</summary>
    public IReadOnlyList<PhaseTime> Phases { get; init; } = [];

    /// <summary>VmHWM of the measured process: the data agent, or the harness worker that did the work.</summary>
    public required long PeakRssBytes { get; init; }

    /// <summary>Resident memory of that process when the window opened, for reading the peak against.</summary>
    public required long StartRssBytes { get; init; }

    /// <summary>The most bytes the run held on the proxy's local disk (cache folder, or the local disk file).</summary>
    public required long PeakLocalDiskBytes { get; init; }

    /// <summary>User + system CPU of the measured process within the window.</summary>
    public required TimeSpan CpuTime { get; init; }

    /// <summary>CPU Azurite used over the run: the cloud's side of the cost, on the same cores.</summary>
    public TimeSpan AzuriteCpuTime { get; init; }

    /// <summary>CPU the media agent used over the run (zero for contenders that do not stream the copy).</summary>
    public TimeSpan MediaAgentCpuTime { get; init; }

    /// <summary>Against a throttling stand-in: accepted bytes over the time from first to last Put Page, per cap.</summary>
    public double? CapFraction { get; init; }

    /// <summary>Against a throttling stand-in: the share of Put Page calls it refused (503).</summary>
    public double? RefusedFraction { get; init; }

    /// <summary>Put Page calls that carried data: the same disk should cost every contender the same pages.</summary>
    public required long PagesUploaded { get; init; }
}

public sealed record PhaseTime(string Name, TimeSpan Wall);
