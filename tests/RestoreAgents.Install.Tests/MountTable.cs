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
    public static bool AnyMountUnder(string folder) => MountsUnder(folder).Any();

    /// <summary>The mount points at or below <paramref name="folder"/>, deepest first (the order to unmount in).</summary>
    public static IReadOnlyList<string> MountsUnder(string folder) =>
        File.ReadLines("/proc/self/mountinfo").Select(line => line.Split(' ')[4])
            .Where(point => point == folder || point.StartsWith(folder + "/", StringComparison.Ordinal))
            .Distinct().OrderByDescending(point => point.Length).ToList();

    /// <summary>
    /// Lazily unmounts the FUSE mounts below <paramref name="folder"/> whose process is gone (statfs says
    /// "Transport endpoint is not connected": a data agent killed before it unmounted). A mount that answers, or
    /// one that is not FUSE, belongs to something alive and stays.
    /// </summary>
    /// <returns>The mount points cleared.</returns>
    public static async Task<IReadOnlyList<string>> ClearDeadFuseMountsUnderAsync(string folder)
    {
        var cleared = new List<string>();
        foreach (var point in MountsUnder(folder).Where(point => FuseMountAt(point) is not null))
        {
            var probe = await ProcessRunner.RunAsync("timeout", ["5", "stat", "-f", point]);
            if (!probe.StandardError.Contains("Transport endpoint is not connected", StringComparison.Ordinal))
                continue;
            await ProcessRunner.RunCheckedAsync("umount", "-l", point);
            cleared.Add(point);
        }
        return cleared;
    }
}
