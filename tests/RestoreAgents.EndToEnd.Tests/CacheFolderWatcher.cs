namespace RestoreAgents.EndToEnd.Tests;

/// <summary>Samples the bytes in the data agent's cache folder while a restore runs, keeping the largest seen.</summary>
internal sealed class CacheFolderWatcher : IAsyncDisposable
{
    private readonly string _folder;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public CacheFolderWatcher(string folder)
    {
        _folder = folder;
        _sampling = Task.Run(SampleAsync);
    }

    public long PeakBytes { get; private set; }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            PeakBytes = Math.Max(PeakBytes, CurrentBytes());
            try { await Task.Delay(5, _stop.Token); }
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
