using Microsoft.Extensions.Logging;

namespace RestoreAgents.PseudoDisk;

/// <summary>The driver's log messages, generated once (no formatting cost when the level is off).</summary>
internal static partial class PseudoDiskLog
{
    [LoggerMessage(1, LogLevel.Error, "pseudo-disk {Operation} of '{Path}' failed")]
    public static partial void OperationFailed(ILogger logger, string operation, string path, Exception exception);

    [LoggerMessage(10, LogLevel.Information, "pseudo-disk {Operation} of '{Path}' ended: its restore was cancelled")]
    public static partial void OperationCancelled(ILogger logger, string operation, string path);

    [LoggerMessage(2, LogLevel.Information, "pseudo-disk mounted at '{MountPath}' (direct_io {DirectIo})")]
    public static partial void Mounted(ILogger logger, string mountPath, bool directIo);

    [LoggerMessage(3, LogLevel.Information, "pseudo-disk at '{MountPath}' unmounted")]
    public static partial void Unmounted(ILogger logger, string mountPath);

    [LoggerMessage(4, LogLevel.Warning,
        "a stale FUSE mount at '{MountPath}' ({FileSystemType}, left by a process that ended) was cleared")]
    public static partial void StaleMountCleared(ILogger logger, string mountPath, string fileSystemType);

    [LoggerMessage(5, LogLevel.Warning,
        "pseudo-disk at '{MountPath}' is busy (a file is still open); detaching it lazily: {Reason}")]
    public static partial void UnmountBusy(ILogger logger, string mountPath, string reason);

    [LoggerMessage(6, LogLevel.Error,
        "the FUSE loop of '{MountPath}' did not stop after unmount; its native session is left allocated")]
    public static partial void LoopDidNotStop(ILogger logger, string mountPath);

    [LoggerMessage(7, LogLevel.Warning, "flushing disk '{Path}' at unmount failed")]
    public static partial void FlushAtUnmountFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(8, LogLevel.Error, "the FUSE loop of '{MountPath}' ended with {Result}")]
    public static partial void LoopFailed(ILogger logger, string mountPath, int result);

    [LoggerMessage(9, LogLevel.Warning,
        "the pseudo-disk mount at '{MountPath}' did not answer (its process was killed while writing into it); "
        + "its FUSE connection {Device} was aborted")]
    public static partial void HungMountAborted(ILogger logger, string mountPath, string device);
}
