namespace RestoreAgents.Store;

/// <summary>
/// How the store puts files on disk: copies are disk data, so only the service's own user reads them. Folders are
/// made 0700 and files 0600 as they are created (never chmod-ed afterwards, which leaves a window open).
/// </summary>
internal static class StoreFiles
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the folder and each missing parent with mode 0700; an existing folder keeps its mode.</summary>
    public static void CreateFolder(string path)
    {
        if (Directory.Exists(path)) return;
        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only: make each one ourselves.
        if (Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path)) is { Length: > 0 } parent)
            CreateFolder(parent);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path); // the parent's ACL, as Windows does
        else Directory.CreateDirectory(path, FolderMode);
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> to <paramref name="path"/> all at once: into a new 0600 file beside it, then
    /// renamed over it, so a reader sees the old file or the whole new one.
    /// </summary>
    /// <returns>The bytes written.</returns>
    public static async Task<long> WriteAtomicallyAsync(string path, ReadOnlyMemory<byte> bytes,
        CancellationToken cancellationToken)
    {
        CreateFolder(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions
        {
            Mode = System.IO.FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode;
        var stream = new FileStream(temporary, options);
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
