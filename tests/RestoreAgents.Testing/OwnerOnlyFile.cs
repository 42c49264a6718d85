namespace RestoreAgents.Testing;

/// <summary>A file only its owner may read (0600), as the agents and restorectl want a file holding a secret.</summary>
public static class OwnerOnlyFile
{
    public static string Write(string path, string text)
    {
        File.WriteAllText(path, text + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }
}
