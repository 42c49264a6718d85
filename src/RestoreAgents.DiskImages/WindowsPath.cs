namespace RestoreAgents.DiskImages;

/// <summary>Reads a path a Windows host wrote into an image (a VHD or VHDX parent locator) as a name to try here.</summary>
internal static class WindowsPath
{
    /// <summary>A relative path with '/' separators; for an absolute one (C:\..., \\server\...), which cannot exist
    /// here, only its file name, to be tried beside the child.</summary>
    public static string ToLocalName(string path)
    {
        var slashed = path.Replace('\\', '/');
        var absolute = slashed.StartsWith("//", StringComparison.Ordinal)
                       || (slashed.Length >= 2 && char.IsAsciiLetter(slashed[0]) && slashed[1] == ':');
        return absolute ? slashed[(slashed.LastIndexOf('/') + 1)..] : slashed;
    }
}
