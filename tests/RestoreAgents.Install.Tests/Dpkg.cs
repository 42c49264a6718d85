using RestoreAgents.Testing;

namespace RestoreAgents.Install.Tests;

/// <summary>dpkg as an operator runs it: install, remove, purge, and what it knows of a package.</summary>
public static class Dpkg
{
    public static Task<string> InstallAsync(IEnumerable<string> files) => RunAsync(["-i", .. files]);

    public static Task<string> RemoveAsync(IEnumerable<string> packages) => RunAsync(["--remove", .. packages]);

    public static Task<string> PurgeAsync(IEnumerable<string> packages) => RunAsync(["--purge", .. packages]);

    /// <summary>"install ok installed", "deinstall ok config-files"..., or null when dpkg does not know it.</summary>
    public static async Task<string?> StatusAsync(string package)
    {
        var result = await ProcessRunner.RunAsync("dpkg-query", ["-W", "-f=${Status}", package]);
        var status = result.StandardOutput.Trim();
        return result.ExitCode != 0 || status.Length == 0 || status.EndsWith("not-installed", StringComparison.Ordinal)
            ? null
            : status;
    }

    public static async Task<string> VersionAsync(string package) =>
        (await ProcessRunner.RunCheckedAsync("dpkg-query", "-W", "-f=${Version}", package)).Trim();

    /// <summary>The conffiles dpkg keeps for the package (its paths).</summary>
    public static async Task<IReadOnlyList<string>> ConffilesAsync(string package) =>
        (await ProcessRunner.RunCheckedAsync("dpkg-query", "-W", "-f=${Conffiles}", package))
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(line => line.Split(' ')[0]).ToList();

    /// <summary>dpkg with no input: a question it would ask an operator (a changed conffile) fails instead of waiting.</summary>
    private static async Task<string> RunAsync(string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("/bin/sh", ["-c", "exec dpkg \"$@\" </dev/null", "dpkg", .. arguments],
            TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"dpkg {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.Combined}");
        return result.Combined;
    }
}
