namespace RestoreAgents.Caching;

/// <summary>
/// Files that hold disk data are their owner's alone: folders 0700 and files 0600, given as they are created
/// (a chmod afterwards would leave a window in which another user opens them). On Windows they keep the parent's ACL.
/// </summary>
public static class OwnerOnlyFiles
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the folder and each missing parent with mode 0700; an existing folder keeps its mode.</summary>
    public static void CreateFolder(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) return;
        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only: make each one here.
        if (Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path)) is { Length: > 0 } parent)
            CreateFolder(parent);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, FolderMode);
    }

    /// <summary>Options that create a new file (never opening one that exists, nor following a link) with mode 0600.</summary>
    public static FileStreamOptions CreateNew(FileAccess access, FileOptions options = FileOptions.None)
    {
        var created = new FileStreamOptions
        {
            Mode = System.IO.FileMode.CreateNew,
            Access = access,
            Share = FileShare.None,
            Options = options,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows()) created.UnixCreateMode = FileMode;
        return created;
    }
}
