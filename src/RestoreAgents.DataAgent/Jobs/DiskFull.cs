namespace RestoreAgents.DataAgent.Jobs;

/// <summary>Finds a full disk (ENOSPC) behind a job's failure, wherever it was wrapped.</summary>
internal static class DiskFull
{
    private const int NoSpaceErrno = 28;                              // ENOSPC on Linux
    private const int DiskFullHResult = unchecked((int)0x80070070);   // ERROR_DISK_FULL on Windows

    /// <returns>The I/O error that says the disk is full, or none.</returns>
    public static IOException? Find(Exception failure)
    {
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            if (e is IOException io && (io.HResult is NoSpaceErrno or DiskFullHResult
                || io.Message.Contains("No space left on device", StringComparison.Ordinal)))
                return io;
            if (e is AggregateException aggregate)
                return aggregate.InnerExceptions.Select(Find).FirstOrDefault(found => found is not null);
        }
        return null;
    }
}
