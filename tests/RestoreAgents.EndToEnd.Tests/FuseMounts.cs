namespace RestoreAgents.EndToEnd.Tests;

/// <summary>Reads this process's mount table: is a FUSE file system mounted at a folder.</summary>
internal static class FuseMounts
{
    public static bool IsMounted(string mountPoint)
    {
        // "36 35 0:52 / /tmp/x/mount rw,nosuid - fuse.restoreagents restoreagents rw": field 5 is the mount point.
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            int separator = Array.IndexOf(fields, "-");
            if (fields.Length > 4 && separator > 4 && separator + 1 < fields.Length
                && fields[4] == mountPoint && fields[separator + 1].StartsWith("fuse", StringComparison.Ordinal))
                return true;
        }
        return false;
    }
}
