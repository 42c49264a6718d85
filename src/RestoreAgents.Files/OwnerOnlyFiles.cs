namespace RestoreAgents.Files;

/// <summary>
/// Files that hold disk data (cache, store, journal) are their owner's alone: folders 0700 and files 0600, given as
/// they are created (a chmod afterwards would leave a window in which another user opens them). On Windows they keep
/// the parent's ACL.
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

    /// <summary>
    /// Writes <paramref name="bytes"/> to <paramref name="path"/> all at once: into a new 0600 file beside it, then
    /// renamed over it, so a reader sees the old file or the whole new one.
    /// </summary>
    /// <returns>The bytes written.</returns>
    public static async Task<long> WriteAtomicallyAsync(string path, ReadOnlyMemory<byte> bytes,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var stream = new FileStream(temporary, CreateNew(FileAccess.Write, FileOptions.Asynchronous));
        try
        {
            await using (stream.ConfigureAwait(false))
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        return bytes.Length;
    }
}
