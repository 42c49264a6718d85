namespace RestoreAgents.Testing;

/// <summary>Checks that files holding disk data are the owner's alone: 0600 files in 0700 folders.</summary>
public static class FileModes
{
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode OwnerOnlyFolder = OwnerOnlyFile | UnixFileMode.UserExecute;

    /// <summary>The permission bits of a file or folder (Linux only, as every test of them).</summary>
    public static UnixFileMode Of(string path) =>
        OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException() : File.GetUnixFileMode(path);

    /// <summary>Sets the permission bits of a file or folder (Linux only).</summary>
    public static void Set(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException();
        File.SetUnixFileMode(path, mode);
    }

    /// <summary>
    /// Asserts that <paramref name="root"/> and every folder below it are 0700 and every file 0600, naming each one
    /// that is not; returns how many files it saw (entries that vanish while it looks are skipped).
    /// </summary>
    public static int AssertOwnerOnly(string root)
    {
        var wrong = new List<string>();
        int files = 0;
        Check(root, OwnerOnlyFolder);
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            bool isFolder = entry is DirectoryInfo;
            if (!isFolder) files++;
            Check(entry.FullName, isFolder ? OwnerOnlyFolder : OwnerOnlyFile);
        }
        Assert.True(wrong.Count == 0, $"not owner-only under {root}: {string.Join(", ", wrong)}");
        return files;

        void Check(string path, UnixFileMode expected)
        {
            try
            {
                var mode = Of(path);
                if (mode != expected) wrong.Add($"{path} is {Octal(mode)}, not {Octal(expected)}");
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // gone while we looked: a page cache file of a job that just ended
            }
        }
    }

    /// <summary>A mode as ls and chmod write it, e.g. 0600.</summary>
    public static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0xFFF, 8);
}
