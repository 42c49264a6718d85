namespace RestoreAgents.PseudoDisk.Interop;

/// <summary>
/// One line of /proc/self/mountinfo: where something is mounted, its type, its source, and its device
/// ("major:minor"; for FUSE the minor names the connection in /sys/fs/fuse/connections).
/// </summary>
internal readonly record struct MountEntry(string MountPoint, string FileSystemType, string Source, string Device)
{
    public bool IsFuse => FileSystemType == "fuse" || FileSystemType.StartsWith("fuse.", StringComparison.Ordinal)
        || FileSystemType == "fuseblk";
}
