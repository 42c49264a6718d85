using System.Globalization;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Rendering;

/// <summary>The words and numbers of restore progress, shared by the progress bar, the log lines and `status`.</summary>
public static class RestoreProgressText
{
    public static string State(RestoreState state) => state switch
    {
        RestoreState.Queued => "queued",
        RestoreState.Running => "running",
        RestoreState.Completed => "completed",
        RestoreState.Failed => "failed",
        RestoreState.Cancelled => "cancelled",
        RestoreState.Resuming => "resuming",
        RestoreState.Interrupted => "interrupted",
        _ => "unknown",
    };

    public static bool IsFinal(RestoreState state) =>
        state is RestoreState.Completed or RestoreState.Failed or RestoreState.Cancelled or RestoreState.Interrupted;

    /// <summary>Whole percent of the allocated bytes received; an empty disk is 100% at once.</summary>
    public static int Percent(RestoreProgress progress) => progress.BytesToRestore == 0
        ? 100
        : (int)Math.Min(100, progress.BytesRestored * 100 / progress.BytesToRestore);

    /// <summary>"512.0 MiB of 1.0 GiB (50%)".</summary>
    public static string Bytes(RestoreProgress progress) =>
        $"{ByteSize.Format(progress.BytesRestored)} of {ByteSize.Format(progress.BytesToRestore)} ({Percent(progress)}%)";

    /// <summary>The full progress line: bytes, speed, ETA, zeros skipped, pages uploaded.</summary>
    public static string Line(RestoreProgress progress, TransferRate rate)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(rate);
        var parts = new List<string> { Bytes(progress) };
        if (progress.State == RestoreState.Running)
        {
            var remaining = (long)(progress.BytesToRestore - Math.Min(progress.BytesToRestore, progress.BytesRestored));
            if (remaining == 0)
                parts.Add("all data received, finishing (last pages, verification)");
            else
            {
                parts.Add(rate.BytesPerSecond is { } speed ? $"{MiBPerSecond(speed)} MiB/s" : "-- MiB/s");
                parts.Add(rate.EstimateRemaining(remaining) is { } eta ? $"ETA {Duration(eta)}" : "ETA --");
            }
        }
        parts.Add($"zeros skipped {ByteSize.Format(progress.BytesSkippedZero)}");
        parts.Add($"{progress.PagesUploaded.ToString(CultureInfo.InvariantCulture)} pages uploaded");
        if (progress.State == RestoreState.Running && Throttling(progress) is { } throttling) parts.Add(throttling);
        if (progress.StreamReconnects > 0)
            parts.Add(progress.StreamReconnects == 1
                ? "media agent stream re-opened once"
                : $"media agent stream re-opened {progress.StreamReconnects} times");
        return string.Join(", ", parts);
    }

    /// <summary>
    /// "cloud throttling: 4 of 8 uploads in flight" while the cloud refuses calls and the job holds fewer in flight
    /// than it may; null when it does not.
    /// </summary>
    public static string? Throttling(RestoreProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (progress.CloudPacing is not { ThrottledCalls: > 0 } pacing) return null;
        var rate = pacing.BytesPerSecondLimit > 0 ? $" at {MiBPerSecond(pacing.BytesPerSecondLimit)} MiB/s" : "";
        return $"cloud throttling: {pacing.UploadsAllowed} of {pacing.UploadParallelism} uploads in flight{rate}";
    }

    public static string MiBPerSecond(double bytesPerSecond) =>
        (bytesPerSecond / (1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>"0:07", "12:30", "1:02:03".</summary>
    public static string Duration(TimeSpan duration)
    {
        var seconds = (long)Math.Ceiling(Math.Max(0, duration.TotalSeconds));
        var (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        return h > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{h}:{m:00}:{s:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{m}:{s:00}");
    }
}
