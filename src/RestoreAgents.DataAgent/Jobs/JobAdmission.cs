using Grpc.Core;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>
/// Admits a restore before any job exists, within the data agent's means: at most MaxConcurrentJobs running and
/// MaxQueuedJobs waiting; each job's cache at most MaxCacheSizeBytes; and the caches of all admitted jobs together
/// within what the cache folder's file system can give them. An admission holds until its job ends.
/// </summary>
internal sealed class JobAdmission(DataAgentOptions options, Func<string, long>? freeSpace = null)
{
    private readonly Lock _gate = new();
    private readonly Func<string, long> _freeSpace = freeSpace ?? FreeSpace;
    private int _admitted;
    private long _reservedBytes;

    /// <summary>Jobs admitted and not yet ended: running or queued.</summary>
    public int Admitted { get { lock (_gate) return _admitted; } }

    /// <summary>Admits a job whose cache takes <paramref name="cacheSize"/> bytes; dispose the ticket when it ends.</summary>
    /// <exception cref="RestoreRejectedException">
    /// InvalidArgument: the cache is over the ceiling; ResourceExhausted: the queue is full, or the cache folder
    /// has no room for it. The message names the setting and the sizes.
    /// </exception>
    public IDisposable Admit(long cacheSize)
    {
        if (cacheSize > options.MaxCacheSizeBytes)
            throw new RestoreRejectedException(StatusCode.InvalidArgument,
                $"a cache of {ByteCount.Format(cacheSize)} is more than DataAgent:MaxCacheSizeBytes allows a job "
                + $"({ByteCount.Format(options.MaxCacheSizeBytes)}): ask for a smaller cache");
        lock (_gate)
        {
            if (_admitted >= options.MaxConcurrentJobs + options.MaxQueuedJobs)
                throw new RestoreRejectedException(StatusCode.ResourceExhausted,
                    $"the data agent has {_admitted} restores running or queued, as many as "
                    + $"DataAgent:MaxConcurrentJobs ({options.MaxConcurrentJobs}) and DataAgent:MaxQueuedJobs "
                    + $"({options.MaxQueuedJobs}) allow: start this one when another has ended");
            // What admitted jobs' cache files hold already is space they will not ask for again.
            long free = _freeSpace(options.CacheDirectory);
            long held = HeldByJobs(options.CacheDirectory);
            if (_reservedBytes + cacheSize > free + held) throw NoRoom(cacheSize, free, held);
            _admitted++;
            _reservedBytes += cacheSize;
        }
        return new Ticket(this, cacheSize);
    }

    private RestoreRejectedException NoRoom(long cacheSize, long free, long held)
    {
        var holding = held > 0 ? $" (and {ByteCount.Format(held)} in the caches of running restores)" : "";
        return new RestoreRejectedException(StatusCode.ResourceExhausted,
            $"the cache folder (DataAgent:CacheDirectory '{options.CacheDirectory}') has {ByteCount.Format(free)} "
            + $"free{holding}: too little for the caches of the restores admitted ({_admitted}, "
            + $"{ByteCount.Format(_reservedBytes)}) and this one's {ByteCount.Format(cacheSize)}. Ask for a smaller "
            + "cache, or start it when another restore has ended");
    }

    private void Release(long cacheSize)
    {
        lock (_gate)
        {
            _admitted--;
            _reservedBytes -= cacheSize;
        }
    }

    /// <summary>Bytes the cache files of job folders hold now (a folder per job, named by its id).</summary>
    private static long HeldByJobs(string cacheDirectory)
    {
        if (!Directory.Exists(cacheDirectory)) return 0;
        long held = 0;
        foreach (var folder in new DirectoryInfo(cacheDirectory).EnumerateDirectories(RestoreJobRegistry.JobIdPrefix + "*"))
        {
            foreach (var file in folder.EnumerateFiles())
            {
                try
                {
                    held += file.Length;
                }
                catch (FileNotFoundException)
                {
                    // its job ended while we looked
                }
            }
        }
        return held;
    }

    /// <summary>Bytes this process may still write on the file system of <paramref name="folder"/> (or its parent).</summary>
    private static long FreeSpace(string folder)
    {
        var existing = Path.GetFullPath(folder);
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent) existing = parent;
        return new DriveInfo(existing).AvailableFreeSpace;
    }

    private sealed class Ticket(JobAdmission admission, long cacheSize) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) admission.Release(cacheSize);
        }
    }
}
