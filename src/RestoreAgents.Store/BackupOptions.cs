namespace RestoreAgents.Store;

public sealed class BackupOptions
{
    /// <summary>Unit of dedup and zero detection: a multiple of 4096.</summary>
    public int BlockSize { get; set; } = 1024 * 1024;
}

/// <summary>
/// Progress of a backup: how far through the disk it is, bytes written as new chunks, zero bytes skipped (of them,
/// those in blocks the image's map says are unallocated, never read), and the bytes actually read from the image's
/// files (tables and allocated data: far less than the disk when it is sparse).
/// </summary>
public readonly record struct BackupProgress(long BytesRead, long DiskSize, long BytesStored, long ZeroBytes, long DedupHits,
    long ImageBytesRead = 0, long UnallocatedBytes = 0);
