namespace RestoreAgents.Store;

public sealed class BackupOptions
{
    /// <summary>Unit of dedup and zero detection: a multiple of 4096.</summary>
    public int BlockSize { get; set; } = 1024 * 1024;
}

/// <summary>Progress of a backup: bytes read of the disk, bytes written as new chunks, zero bytes skipped.</summary>
public readonly record struct BackupProgress(long BytesRead, long DiskSize, long BytesStored, long ZeroBytes, long DedupHits);
