using System.Diagnostics;

namespace RestoreAgents.PseudoDisk.Interop;

/// <summary>fusermount3, the setuid helper of the fuse3 package: unmounts FUSE mounts, also stale ones.</summary>
internal sealed class Fusermount(string executablePath)
{
    /// <summary>Unmounts; lazily (detached now, gone when the last user lets go) when <paramref name="lazy"/>.</summary>
    /// <returns>Null on success, else what fusermount3 said.</returns>
    public async Task<string?> UnmountAsync(string mountPoint, bool lazy, CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(executablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(lazy ? "-uz" : "-u");
        startInfo.ArgumentList.Add("--");
        startInfo.ArgumentList.Add(mountPoint);
        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"could not start {executablePath}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var said = ((await output.ConfigureAwait(false)) + (await error.ConfigureAwait(false))).Trim();
        return process.ExitCode == 0 ? null : $"{executablePath} exited {process.ExitCode}: {said}";
    }
}
