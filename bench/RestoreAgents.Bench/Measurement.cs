namespace RestoreAgents.Bench;

/// <summary>One run of one contender: its wall time, and the peaks it reached on the proxy.</summary>
/// <param name="PeakRssBytes">VmHWM of the process that did the work; null when it is the harness itself.</param>
/// <param name="PeakLocalBytes">The most bytes it kept on the proxy's disk (cache files, or the whole local copy).</param>
internal sealed record Measurement(string Contender, TimeSpan Wall, long? PeakRssBytes, long PeakLocalBytes,
    IReadOnlyDictionary<string, TimeSpan>? Phases = null);
