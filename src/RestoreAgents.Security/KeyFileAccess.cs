namespace RestoreAgents.Security;

/// <summary>A private key file must be its owner's alone, as ssh demands of its keys.</summary>
public static class KeyFileAccess
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite
        | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <exception cref="CertificateLoadException">The key file's group or others may read or write it.</exception>
    public static void EnsurePrivate(string keyFile)
    {
        if (OperatingSystem.IsWindows()) return; // ACLs, not modes: the operator's business there
        var mode = File.GetUnixFileMode(keyFile);
        if ((mode & GroupOrOther) != 0)
            throw new CertificateLoadException(
                $"key file {keyFile} has mode {Octal(mode)}: group and others may reach it; make it 0600 "
                + "(chmod 600) and owned by the user that runs this");
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
