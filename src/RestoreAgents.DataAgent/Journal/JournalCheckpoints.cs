using RestoreAgents.Caching;

namespace RestoreAgents.DataAgent.Journal;

/// <summary>
/// Collects the pages a job's cache has stored in the blob and writes them into the job's journal at checkpoints:
/// every CheckpointPages pages, and at least every CheckpointInterval while any wait. An uploader that brings the
/// page that fills a checkpoint writes it before its slot is freed, and the others wait meanwhile, so pages in the
/// blob that the journal does not name are never more than one checkpoint's worth.
/// </summary>
internal sealed class JournalCheckpoints : IStoredPages, IAsyncDisposable
{
    private readonly JobJournal _journal;
    private readonly JournalOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly RangeSet _pending = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _timer;
    private int _pendingPages;
    private long _lastCheckpoint;
    private int _checkpoints;

    public JournalCheckpoints(JobJournal journal, JournalOptions options, TimeProvider time)
    {
        _journal = journal;
        _options = options;
        _time = time;
        _lastCheckpoint = time.GetTimestamp();
        _timer = RunTimerAsync(_stopping.Token);
    }

    /// <summary>Checkpoints written so far.</summary>
    public int Checkpoints => Volatile.Read(ref _checkpoints);

    public async ValueTask PageStoredAsync(long page, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _pending.Add(page, page + 1);
            _pendingPages++;
            if (_pendingPages >= _options.CheckpointPages
                || _time.GetElapsedTime(_lastCheckpoint) >= _options.CheckpointInterval)
                WriteCheckpoint();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes what is pending now (the job is ending and may resume).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            WriteCheckpoint();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _timer.ConfigureAwait(false);
        _stopping.Dispose();
        _gate.Dispose();
    }

    /// <summary>Under the gate: one record of the pending pages, synced.</summary>
    private void WriteCheckpoint()
    {
        _lastCheckpoint = _time.GetTimestamp();
        if (_pendingPages == 0) return;
        var pages = new LongRange[_pending.Count];
        for (int i = 0; i < pages.Length; i++) pages[i] = _pending[i];
        _journal.AppendPages(pages);
        _pending.Clear();
        _pendingPages = 0;
        Interlocked.Increment(ref _checkpoints);
    }

    private async Task RunTimerAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.CheckpointInterval, _time, stopping).ConfigureAwait(false);
                await FlushAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // the job ended
        }
        catch (IOException)
        {
            // the journal's disk failed: the next stored page meets the same error and fails the job in its words
        }
    }
}
