using RestoreAgents.Store;
using Spectre.Console;

namespace RestoreAgents.Cli.Rendering;

/// <summary>
/// Shows a running backup: a Spectre progress bar on a terminal, else a plain line every few seconds. The writer
/// reports on its own thread after each block; <see cref="Last"/> keeps the final numbers for the summary.
/// </summary>
public sealed class BackupProgressView(CliEnvironment environment)
{
    private readonly TimeProvider _time = environment.TimeProvider;
    private long? _lastLine;
    private long _started;

    public BackupProgress? Last { get; private set; }

    /// <summary>Runs <paramref name="backup"/>, handing it the progress sink, and renders what it reports.</summary>
    public async Task<T> ShowAsync<T>(string copyName, Func<IProgress<BackupProgress>, Task<T>> backup)
    {
        ArgumentNullException.ThrowIfNull(backup);
        _started = _time.GetTimestamp();
        if (!environment.IsInteractive)
            return await backup(new Sink(p => Line(copyName, p))).ConfigureAwait(false);

        return await environment.Console.Progress()
            .AutoClear(false)
            .Columns(new SpinnerColumn(), new ProgressBarColumn(), new TaskDescriptionColumn
            {
                Alignment = Justify.Left,
            })
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape($"backing up {copyName}"), maxValue: 1);
                var result = await backup(new Sink(p =>
                {
                    Last = p;
                    task.MaxValue = Math.Max(1, p.DiskSize);
                    task.Value = p.BytesRead;
                    task.Description = Markup.Escape(Describe(p));
                })).ConfigureAwait(false);
                task.Value = task.MaxValue;
                task.StopTask();
                return result;
            }).ConfigureAwait(false);
    }

    private void Line(string copyName, BackupProgress progress)
    {
        Last = progress;
        long now = _time.GetTimestamp();
        bool done = progress.BytesRead >= progress.DiskSize;
        if (!done && _lastLine is { } last && _time.GetElapsedTime(last, now) < RestoreProgressView.LineInterval)
            return;
        _lastLine = now;
        environment.Output.WriteLine($"[{RestoreProgressText.Duration(_time.GetElapsedTime(_started, now))}] "
            + $"backing up {copyName}: {Describe(progress)}");
    }

    private static string Describe(BackupProgress progress)
    {
        var percent = progress.DiskSize == 0 ? 100 : progress.BytesRead * 100 / progress.DiskSize;
        return $"{ByteSize.Format(progress.BytesRead)} of {ByteSize.Format(progress.DiskSize)} ({percent}%), "
            + $"stored {ByteSize.Format(progress.BytesStored)}, zeros skipped {ByteSize.Format(progress.ZeroBytes)}";
    }

    /// <summary>Reports synchronously on the writer's thread: no queue, so the last report is the last rendered.</summary>
    private sealed class Sink(Action<BackupProgress> report) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value) => report(value);
    }
}
