using RestoreAgents.Caching;
using RestoreAgents.DataAgent.Journal;
using RestoreAgents.Testing;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>
/// Pages stored in the blob reach the journal on disk at checkpoints: every CheckpointPages pages, or once
/// CheckpointInterval has passed since the last checkpoint; never one page at a time in between.
/// </summary>
public sealed class JournalCheckpointsTests : IDisposable
{
    private readonly TempDirectory _folder = new("checkpoints");
    private readonly ManualClock _clock = new();

    public void Dispose() => _folder.Dispose();

    private string Folder => _folder.Combine("r-0123456789ab");

    private async Task<IReadOnlyList<LongRange>> OnDiskAsync()
    {
        // What the next data agent would read. The writer holds the file under .NET's exclusive lock (one data agent
        // per journal), which cp, not taking that advisory lock, passes by.
        var copy = _folder.Combine("copy", "r-0123456789ab");
        Directory.CreateDirectory(copy);
        var cp = await ProcessRunner.RunAsync("cp", [Path.Combine(Folder, JobJournal.FileName), copy]);
        Assert.True(cp.ExitCode == 0, cp.Combined);
        using var journal = JobJournal.Open(copy);
        return journal.StoredPages;
    }

    [Fact]
    public async Task EveryCheckpointPagesPages_TheJournalOnDiskNamesThem()
    {
        using var journal = JobJournal.Create(Folder, JobJournalTests.Request());
        var options = new JournalOptions { CheckpointPages = 3, CheckpointInterval = TimeSpan.FromHours(1) };
        await using var checkpoints = new JournalCheckpoints(journal, options, _clock);

        await checkpoints.PageStoredAsync(4, CancellationToken.None);
        await checkpoints.PageStoredAsync(0, CancellationToken.None);
        Assert.Empty(await OnDiskAsync());

        await checkpoints.PageStoredAsync(1, CancellationToken.None);
        Assert.Equal([new LongRange(0, 2), new LongRange(4, 5)], await OnDiskAsync());
        Assert.Equal(1, checkpoints.Checkpoints);
    }

    [Fact]
    public async Task OnceTheIntervalHasPassed_TheNextStoredPageWritesACheckpoint()
    {
        using var journal = JobJournal.Create(Folder, JobJournalTests.Request());
        var options = new JournalOptions { CheckpointPages = 100, CheckpointInterval = TimeSpan.FromHours(1) };
        await using var checkpoints = new JournalCheckpoints(journal, options, _clock);

        await checkpoints.PageStoredAsync(7, CancellationToken.None);
        Assert.Empty(await OnDiskAsync());

        _clock.Advance(TimeSpan.FromHours(1));
        await checkpoints.PageStoredAsync(8, CancellationToken.None);
        Assert.Equal([new LongRange(7, 9)], await OnDiskAsync());
    }

    [Fact]
    public async Task AFlush_WritesWhatIsPending()
    {
        using var journal = JobJournal.Create(Folder, JobJournalTests.Request());
        await using var checkpoints = new JournalCheckpoints(journal, new JournalOptions(), _clock);
        await checkpoints.PageStoredAsync(2, CancellationToken.None);

        await checkpoints.FlushAsync(CancellationToken.None);

        Assert.Equal([new LongRange(2, 3)], await OnDiskAsync());
    }

    [Theory]
    [InlineData(0, "00:00:10", "CheckpointPages")]
    [InlineData(64, "00:00:00", "CheckpointInterval")]
    [InlineData(64, "02:00:00", "CheckpointInterval")]
    public void SettingsThatCannotWork_AreRefusedByName(int pages, string interval, string setting)
    {
        var options = new JournalOptions { CheckpointPages = pages, CheckpointInterval = TimeSpan.Parse(interval) };

        var e = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains(setting, e.Message);
    }

    /// <summary>A clock the test moves; its timers are the system's (the checkpoint timer is not what is tested).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
