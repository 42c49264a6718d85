namespace RestoreAgents.Install.Tests;

/// <summary>This process's mount table (/proc/self/mountinfo): the FUSE mount at a folder, if any.</summary>
public static class MountTable
{
    /// <summary>
    /// "fuse.restoreagents rw,user_id=102,group_id=105" (type and options) for the FUSE mount at
    /// <paramref name="mountPoint"/>; null if there is none.
    /// </summary>
    public static string? FuseMountAt(string mountPoint)
    {
        // "36 35 0:52 / /run/restoreagents/disks rw,nosuid - fuse.restoreagents restoreagents rw,user_id=102,...":
        // field 5 is the mount point; after "-" come the type, the source and the super options.
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            int separator = Array.IndexOf(fields, "-");
            if (fields.Length > 4 && separator > 4 && separator + 3 < fields.Length && fields[4] == mountPoint
                && fields[separator + 1].StartsWith("fuse", StringComparison.Ordinal))
                return $"{fields[separator + 1]} {fields[separator + 3]}";
        }
        return null;
    }

    /// <summary>True when something is mounted at or below <paramref name="folder"/>.</summary>
    public static bool AnyMountUnder(string folder) =>
        File.ReadLines("/proc/self/mountinfo").Select(line => line.Split(' ')[4])
            .Any(point => point == folder || point.StartsWith(folder + "/", StringComparison.Ordinal));
}
