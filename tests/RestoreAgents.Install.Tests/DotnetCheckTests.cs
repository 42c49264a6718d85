using RestoreAgents.Testing;

namespace RestoreAgents.Install.Tests;

/// <summary>
/// The binaries are framework-dependent: configuring a package on a host where systemd would find no dotnet fails
/// at once, saying what to install and how to finish, rather than leaving units that cannot start.
/// </summary>
[Collection(InstallCollection.Name)]
public sealed class DotnetCheckTests(InstalledPackages installed)
{
    [Fact]
    public async Task Configure_WithoutDotnetWhereSystemdLooks_FailsSayingWhatToInstall_ThenFinishesOnceItIsThere()
    {
        var restorectl = installed.Packages.Files.Single(file => Path.GetFileName(file).StartsWith("restorectl_"));
        var dotnets = UnitProcess.SearchPath.Split(':').Select(folder => Path.Combine(folder, "dotnet"))
            .Where(File.Exists).ToList();
        Assert.NotEmpty(dotnets);

        // In a mount namespace of its own, every dotnet on systemd's search path is hidden under /dev/null (not
        // executable): the rest of the machine keeps its dotnet.
        var withoutDotnet = await ProcessRunner.RunAsync("unshare",
        [
            "--mount", "/bin/sh", "-c",
            "for f in \"$@\"; do mount --bind /dev/null \"$f\" || exit 99; done; exec dpkg -i \"$0\" </dev/null",
            restorectl, .. dotnets,
        ], TimeSpan.FromMinutes(2));

        Assert.True(withoutDotnet.ExitCode == 1, $"dpkg -i exited {withoutDotnet.ExitCode}:\n{withoutDotnet.Combined}");
        Assert.Contains("error: restorectl runs on .NET, but no 'dotnet' is on", withoutDotnet.Combined);
        Assert.Contains("Microsoft.NETCore.App 10", withoutDotnet.Combined);
        Assert.Contains("dpkg --configure -a", withoutDotnet.Combined);
        Assert.Equal("install ok half-configured", await Dpkg.StatusAsync("restorectl"));

        await ProcessRunner.RunCheckedAsync("dpkg", "--configure", "-a");
        Assert.Equal("install ok installed", await Dpkg.StatusAsync("restorectl"));
    }
}
