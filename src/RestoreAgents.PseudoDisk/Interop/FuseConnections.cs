using System.Diagnostics;

namespace RestoreAgents.PseudoDisk.Interop;

/// <summary>
/// The kernel's FUSE connections (the fusectl file system, /sys/fs/fuse/connections/N). Aborting one fails every
/// request waiting on it. That is the only way out when a FUSE daemon was killed while one of its own threads had
/// a file open in its mount: the dying process closes that file, the kernel sends FLUSH to the daemon, which is
/// the dying process itself, and the exit waits forever, holding the mount.
/// </summary>
internal sealed class FuseConnections(string connectionsPath = FuseConnections.DefaultPath)
{
    public const string DefaultPath = "/sys/fs/fuse/connections";

    /// <summary>Aborts the connection of the FUSE mount on <paramref name="device"/> ("0:52").</summary>
    /// <returns>Null on success, else why not.</returns>
    public async Task<string?> AbortAsync(string device, CancellationToken cancellationToken)
    {
        var minor = device[(device.IndexOf(':') + 1)..];
        var abort = Path.Combine(connectionsPath, minor, "abort");
        if (!File.Exists(abort) && await MountFuseControlAsync(cancellationToken).ConfigureAwait(false) is { } failure)
            return failure;
        if (!File.Exists(abort)) return $"{abort} does not exist";
        try
        {
            await File.WriteAllTextAsync(abort, "1", cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"writing {abort} failed: {e.Message}";
        }
    }

    /// <summary>fusectl is mounted by systemd on most hosts, not in containers; root can mount it.</summary>
    private async Task<string?> MountFuseControlAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(connectionsPath)) return $"{connectionsPath} does not exist (no fusectl)";
        var start = new ProcessStartInfo("mount")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-t", "fusectl", "fusectl", connectionsPath])
            start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            // "already mounted" is success too.
            return process.ExitCode == 0 || Directory.EnumerateDirectories(connectionsPath).Any()
                ? null
                : $"mounting fusectl on {connectionsPath} failed: {(await error.ConfigureAwait(false)).Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"cannot run mount to mount fusectl: {e.Message}";
        }
    }
}
