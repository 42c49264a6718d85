namespace RestoreAgents.PseudoDisk.Interop;

/// <summary>One line of /proc/self/mountinfo: where something is mounted, its type and its source.</summary>
internal readonly record struct MountEntry(string MountPoint, string FileSystemType, string Source)
{
    public bool IsFuse => FileSystemType == "fuse" || FileSystemType.StartsWith("fuse.", StringComparison.Ordinal)
        || FileSystemType == "fuseblk";
}
