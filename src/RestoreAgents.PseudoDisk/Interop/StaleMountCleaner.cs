using Microsoft.Extensions.Logging;

namespace RestoreAgents.PseudoDisk.Interop;

/// <summary>
/// Clears what a killed process leaves at a mount path: a FUSE mount whose daemon is gone, where every access
/// fails with "Transport endpoint is not connected". A mount that still answers belongs to a live process and
/// is left alone.
/// </summary>
internal sealed class StaleMountCleaner(Fusermount fusermount, ILogger logger,
    string mountInfoPath = MountTable.MountInfoPath, FuseConnections? connections = null)
{
    /// <summary>The type of the pseudo-disk's own mounts in mountinfo (fsname and subtype set by FuseSession).</summary>
    public const string OwnFileSystemType = "fuse.restoreagents";

    private readonly FuseConnections _connections = connections ?? new FuseConnections();

    /// <summary>How long a mount may take to answer statfs before it counts as hung.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <exception cref="PseudoDiskMountException">A live or hung FUSE mount holds the path.</exception>
    public async Task ClearAsync(string mountPath, CancellationToken cancellationToken)
    {
        // Stacked stale mounts (killed more than once) come off one at a time.
        for (int attempt = 0; attempt < 16; attempt++)
        {
            if (MountTable.Find(mountPath, mountInfoPath) is not { IsFuse: true } entry) return;
            int error = await ProbeAsync(mountPath, cancellationToken).ConfigureAwait(false);
            if (error == 0)
                throw new PseudoDiskMountException(mountPath,
                    $"already mounted ({entry.FileSystemType} from '{entry.Source}') and answering, so another "
                    + $"process serves it: stop that process, or unmount it with 'fusermount3 -u {mountPath}', or "
                    + "choose another mount path");
            if (error < 0 && entry.FileSystemType == OwnFileSystemType)
            {
                // A pseudo-disk of ours that does not answer: its process was killed while writing into it and
                // hangs in exit (see FuseConnections). Aborting the connection lets it end and frees the path.
                if (await _connections.AbortAsync(entry.Device, cancellationToken).ConfigureAwait(false) is { } why)
                    throw new PseudoDiskMountException(mountPath,
                        $"a pseudo-disk mount there does not answer and its connection could not be aborted: {why}; "
                        + $"find its process with 'fuser -m {mountPath}', kill it, then 'fusermount3 -u -z {mountPath}'");
                PseudoDiskLog.HungMountAborted(logger, mountPath, entry.Device);
                error = Errno.ECONNABORTED;
            }
            if (error is not (Errno.ENOTCONN or Errno.ECONNABORTED))
                throw new PseudoDiskMountException(mountPath,
                    $"mounted ({entry.FileSystemType} from '{entry.Source}') but statfs failed with errno {error}"
                    + (error < 0 ? $" (no answer within {ProbeTimeout.TotalSeconds:0} s: its process hangs)" : "")
                    + $"; if its process is gone, clear it with 'fusermount3 -u -z {mountPath}'");
            if (await fusermount.UnmountAsync(mountPath, lazy: true, cancellationToken).ConfigureAwait(false)
                is { } failure)
                throw new PseudoDiskMountException(mountPath,
                    $"a stale mount ({entry.FileSystemType}) is there and could not be cleared: {failure}");
            PseudoDiskLog.StaleMountCleared(logger, mountPath, entry.FileSystemType);
        }
        throw new PseudoDiskMountException(mountPath, "stale FUSE mounts keep coming back at this path");
    }

    /// <summary>statfs's errno (0: it answered), or -1 when it did not answer in time.</summary>
    private static async Task<int> ProbeAsync(string mountPath, CancellationToken cancellationToken)
    {
        // A hung daemon blocks statfs in the kernel: probe on a thread of its own so the caller can give up.
        var probe = Task.Factory.StartNew(() => LibC.StatFileSystem(mountPath), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var finished = await Task.WhenAny(probe, Task.Delay(ProbeTimeout, cancellationToken)).ConfigureAwait(false);
        return finished == probe ? await probe.ConfigureAwait(false) : -1;
    }
}
