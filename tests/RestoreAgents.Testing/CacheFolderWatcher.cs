namespace RestoreAgents.Testing;

/// <summary>
/// Samples the bytes in the data agent's cache folder while a restore runs, keeping the largest seen. The tests
/// check the bound with it; the benchmark reports it as the proxy's peak local disk.
/// </summary>
public sealed class CacheFolderWatcher : IAsyncDisposable
{
    private readonly string _folder;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    /// <param name="interval">Time between samples: 5 ms by default, short enough to see a page come and go.</param>
    public CacheFolderWatcher(string folder, TimeSpan? interval = null)
    {
        _folder = folder;
        _interval = interval ?? TimeSpan.FromMilliseconds(5);
        _sampling = Task.Run(SampleAsync);
    }

    public long PeakBytes { get; private set; }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            PeakBytes = Math.Max(PeakBytes, CurrentBytes());
            try { await Task.Delay(_interval, _stop.Token); }
            catch (OperationCanceledException) { }
        }
    }

    private long CurrentBytes()
    {
        long total = 0;
        try
        {
            foreach (var file in new DirectoryInfo(_folder).EnumerateFiles("*", SearchOption.AllDirectories))
            {
                try { total += file.Length; }
                catch (FileNotFoundException) { }
            }
        }
        catch (DirectoryNotFoundException) { }
        return total;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _sampling;
        _stop.Dispose();
    }
}
