namespace RestoreAgents.Bench;

/// <summary>
/// Samples the bytes a folder holds on disk (allocated blocks, as du counts them) every few milliseconds and keeps
/// the peak: how much of the proxy's disk a restore really used.
/// </summary>
internal sealed class FolderPeak : IAsyncDisposable
{
    private readonly string _folder;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public FolderPeak(string folder)
    {
        _folder = folder;
        _sampling = Task.Run(SampleAsync);
    }

    public long PeakBytes { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            PeakBytes = Math.Max(PeakBytes, AllocatedBytes(_folder));
            try
            {
                await Task.Delay(20, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        PeakBytes = Math.Max(PeakBytes, AllocatedBytes(_folder));
    }

    /// <summary>Allocated bytes of the files under <paramref name="folder"/> (sparse holes do not count).</summary>
    public static long AllocatedBytes(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        long total = 0;
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            try
            {
                total += LibC.AllocatedBytes(file);
            }
            catch (FileNotFoundException)
            {
                // a cache file that went with its job between the listing and the stat
            }
        }
        return total;
    }
}
