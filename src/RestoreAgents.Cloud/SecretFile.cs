namespace RestoreAgents.Cloud;

/// <summary>
/// Reads a secret (an account key, a connection string, a SAS URL) from a file that only its owner may read: a
/// key that group or others can read is already shared, so such a file is refused, naming it.
/// </summary>
public static class SecretFile
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite
        | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <param name="what">What the file holds and where it was named, for messages, e.g. "--sas-url-file".</param>
    /// <returns>The file's text without surrounding white space (a trailing newline is usual).</returns>
    /// <exception cref="ArgumentException">The file is missing, unreadable, open to others or empty.</exception>
    public static string Read(string path, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string text;
        try
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0)
                throw new ArgumentException($"{what}: {path} can be read by its group or others; it holds a secret, "
                    + $"so make it the owner's alone (chmod 600 {path})");
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // These messages name the path and the cause, never the content.
            throw new ArgumentException($"{what}: cannot read {path}: {e.Message}", e);
        }
        var secret = text.Trim();
        if (secret.Length == 0)
            throw new ArgumentException($"{what}: {path} is empty");
        return secret;
    }
}
