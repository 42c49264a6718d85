using System.Runtime.InteropServices;

namespace RestoreAgents.PseudoDisk.Interop;

/// <summary>
/// What mounting needs on this host: a platform whose struct layouts were checked (<see cref="FuseLayout"/>), the
/// /dev/fuse device, libfuse3 and fusermount3 (used to unmount and to clear stale mounts). The locations and the
/// architecture are parameters so tests can show what a host without them is told.
/// </summary>
internal sealed class FusePrerequisites(
    string devicePath = "/dev/fuse",
    string libraryName = LibFuse.LibraryName,
    string fusermountName = "fusermount3",
    string? searchPath = null,
    Architecture? architecture = null)
{
    /// <summary>Throws <see cref="PseudoDiskUnavailableException"/> naming every missing part; returns fusermount3's path.</summary>
    public string Check()
    {
        if (OperatingSystem.IsLinux()) FuseLayout.EnsureChecked(architecture ?? RuntimeInformation.ProcessArchitecture);
        var missing = new List<string>();
        if (!OperatingSystem.IsLinux())
            missing.Add($"FUSE runs on Linux only, this is {RuntimeInformation.OSDescription}");
        if (!File.Exists(devicePath))
            missing.Add($"{devicePath} is missing (the fuse kernel module is not loaded, or the device is not given to the container)");
        if (!NativeLibrary.TryLoad(libraryName, out var library))
            missing.Add($"{libraryName} cannot be loaded (Debian package libfuse3-3)");
        else
            NativeLibrary.Free(library);
        var fusermount = FindOnPath(fusermountName);
        if (fusermount is null)
            missing.Add($"{fusermountName} is not on PATH (Debian package fuse3)");
        if (missing.Count > 0) throw new PseudoDiskUnavailableException(missing);
        return fusermount!;
    }

    private string? FindOnPath(string name)
    {
        if (name.Contains('/')) return File.Exists(name) ? name : null;
        var path = searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var folder in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin").Append("/bin"))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
