using RestoreAgents.Protocol.V1;
using Spectre.Console;

namespace RestoreAgents.Cli.Rendering;

/// <summary>
/// Shows a job's progress until its stream ends: a Spectre progress bar on a terminal, or a plain line every few
/// seconds (and at every change of state) when output goes to a log or a pipe.
/// </summary>
public sealed class RestoreProgressView(CliEnvironment environment)
{
    private readonly TimeProvider _time = environment.TimeProvider;

    /// <summary>How often a non-interactive run prints a progress line.</summary>
    public static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(5);

    /// <summary>Renders every update and returns the last one (null when the stream sent none).</summary>
    public Task<RestoreProgress?> ShowAsync(string jobId, IAsyncEnumerable<RestoreProgress> updates,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        return environment.IsInteractive
            ? ShowBarAsync(jobId, updates, cancellationToken)
            : ShowLinesAsync(jobId, updates, cancellationToken);
    }

    private async Task<RestoreProgress?> ShowBarAsync(string jobId, IAsyncEnumerable<RestoreProgress> updates,
        CancellationToken cancellationToken)
    {
        var rate = new TransferRate(_time);
        RestoreProgress? last = null;
        await environment.Console.Progress()
            .AutoClear(false)
            .Columns(new SpinnerColumn(), new ProgressBarColumn(), new TaskDescriptionColumn
            {
                Alignment = Justify.Left,
            })
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape($"job {jobId}: waiting for progress"), maxValue: 1);
                await foreach (var progress in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    rate.Add((long)progress.BytesRestored);
                    task.MaxValue = Math.Max(1, progress.BytesToRestore);
                    task.Value = progress.BytesToRestore == 0 ? 1 : progress.BytesRestored;
                    task.Description = Markup.Escape(RestoreProgressText.Line(progress, rate));
                    last = progress;
                }
                task.StopTask();
            }).ConfigureAwait(false);
        return last;
    }

    private async Task<RestoreProgress?> ShowLinesAsync(string jobId, IAsyncEnumerable<RestoreProgress> updates,
        CancellationToken cancellationToken)
    {
        var rate = new TransferRate(_time);
        long watchStarted = _time.GetTimestamp();
        long? lastLine = null;
        RestoreProgress? last = null;
        RestoreProgress? printed = null;
        await foreach (var progress in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            rate.Add((long)progress.BytesRestored);
            last = progress;
            long now = _time.GetTimestamp();
            bool due = lastLine is null || _time.GetElapsedTime(lastLine.Value, now) >= LineInterval;
            if (!due && progress.State == printed?.State) continue;

            WriteLine(jobId, progress, rate, _time.GetElapsedTime(watchStarted, now));
            lastLine = now;
            printed = progress;
        }
        // The final numbers always reach the log, even when they came within the interval.
        if (last is not null && !ReferenceEquals(last, printed))
            WriteLine(jobId, last, rate, _time.GetElapsedTime(watchStarted));
        return last;
    }

    // Plain text, not Spectre: a log line is never wrapped at a guessed console width.
    private void WriteLine(string jobId, RestoreProgress progress, TransferRate rate, TimeSpan elapsed) =>
        environment.Output.WriteLine($"[{RestoreProgressText.Duration(elapsed)}] job {jobId} "
            + $"{RestoreProgressText.State(progress.State)}: {RestoreProgressText.Line(progress, rate)}");
}
