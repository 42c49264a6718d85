using System.Globalization;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Rendering;

/// <summary>
/// Where a finished job's time went, in words: one line for the end of a restore ("slowest stage: cloud upload,
/// 71 % of wall time (throttled 12 %); trace 4bf9...") and a line per stage for `status JOB`.
/// </summary>
public static class StageBreakdownText
{
    /// <summary>The stages that split the wall time, in the order a block travels.</summary>
    private static IEnumerable<(string Name, double Seconds)> Stages(StageBreakdown stages) =>
    [
        ("setup", stages.SetupSeconds),
        ("store read", stages.StoreReadSeconds),
        ("network", stages.NetworkSeconds),
        ("cache write", stages.CacheWriteSeconds),
        ("cloud upload", stages.CloudUploadSeconds),
        ("verification", stages.VerifySeconds),
        ("other", stages.OtherSeconds),
    ];

    /// <summary>"slowest stage: ..., N % of wall time (...); trace ..."; null when the job says nothing of it.</summary>
    public static string? Summary(RestoreProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (progress.Stages is not { WallSeconds: > 0 } stages) return Trace(progress) is { } trace ? trace : null;
        var (name, seconds) = Stages(stages).MaxBy(stage => stage.Seconds);
        var line = $"slowest stage: {name}, {Percent(seconds, stages)} of wall time";
        if (name == "cloud upload") line += $" (throttled {Percent(stages.ThrottledSeconds, stages)})";
        return Trace(progress) is { } traced ? $"{line}; {traced}" : line;
    }

    /// <summary>One line per stage: seconds and share of the wall time, with the cloud upload's parts.</summary>
    public static IEnumerable<string> Lines(StageBreakdown stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        yield return $"where the time went ({Seconds(stages.WallSeconds)} wall time):";
        foreach (var (name, seconds) in Stages(stages))
        {
            var line = $"  {name,-13}{Seconds(seconds),9}  {Percent(seconds, stages),5}";
            if (name == "cloud upload" && seconds > 0)
                line += $"  (waiting for a free cache slot {Percent(stages.SlotWaitSeconds, stages)}, "
                        + $"throttled {Percent(stages.ThrottledSeconds, stages)})";
            yield return line;
        }
    }

    private static string? Trace(RestoreProgress progress) =>
        string.IsNullOrEmpty(progress.TraceId) ? null : $"trace {progress.TraceId}";

    private static string Percent(double seconds, StageBreakdown stages) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Round(100 * seconds / stages.WallSeconds):0} %");

    private static string Seconds(double seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s");
}
