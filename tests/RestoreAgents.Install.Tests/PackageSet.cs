using RestoreAgents.Testing;

namespace RestoreAgents.Install.Tests;

/// <summary>The .deb files one run of scripts/package built, all of one version.</summary>
public sealed record PackageSet(string Version, IReadOnlyList<string> Files)
{
    /// <summary>
    /// Runs scripts/package --no-build into a folder of its own below <paramref name="folder"/>: it publishes what
    /// the build of this test's configuration left (this project references the agents, so they are built first)
    /// and builds nothing itself.
    /// </summary>
    /// <param name="version">Another version than Directory.Build.props' (e.g. a higher one to upgrade to).</param>
    public static async Task<PackageSet> BuildAsync(string folder, string? version = null)
    {
        folder = Path.Combine(folder, version ?? "as-built");
        List<string> arguments = ["--no-build", "--configuration", BuildConfiguration(), "--output", folder];
        if (version is not null) arguments.AddRange(["--version", version]);
        var result = await ProcessRunner.RunAsync(Path.Combine(RepoPaths.Root, "scripts", "package"), arguments,
            TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
            throw new InvalidOperationException(
                $"scripts/package {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.Combined}");
        var files = Directory.GetFiles(folder, "*.deb").Order().ToList();
        if (files.Count != Installed.Packages.Length)
            throw new InvalidOperationException(
                $"scripts/package left {files.Count} packages in {folder}, not {Installed.Packages.Length}:\n{result.Combined}");
        var built = files.Select(Path.GetFileName).First()!.Split('_')[1];
        return new PackageSet(built, files);
    }

    /// <summary>Debug or Release: the folder this test was built into (bin/CONFIGURATION/net10.0).</summary>
    private static string BuildConfiguration() =>
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
}
