using RestoreAgents.Testing;

namespace RestoreAgents.Install.Tests;

/// <summary>
/// The packages built from this checkout and installed with dpkg, once for the collection; purged at the end. It
/// needs root and a machine it may install on: it refuses to touch a RestoreAgents install it did not make.
/// </summary>
public sealed class InstalledPackages : IAsyncLifetime
{
    private readonly TempDirectory _folder = new("restoreagents-packages");
    private FuseDeviceAccess? _fuse;
    private bool _mayPurge;

    /// <summary>The packages as built, at the version Directory.Build.props gives.</summary>
    public PackageSet Packages { get; private set; } = null!;

    /// <summary>A folder for more packages (a higher version to upgrade to).</summary>
    public string Folder => _folder.Path;

    /// <summary>The CA whose certificates the installed agents present and trust (<see cref="InstalledCertificates"/>).</summary>
    public TestPki Pki { get; } = new();

    public async Task InitializeAsync()
    {
        if ((await ProcessRunner.RunCheckedAsync("id", "-u")).Trim() != "0")
            throw new InvalidOperationException(
                "the install tests need root: they install Debian packages and make a system user (CI runs as root)");
        await ClearOwnLeftoversOrRefuseAsync();
        // From here on whatever RestoreAgents is on this machine is ours; before, a refusal must purge nothing.
        _mayPurge = true;
        _fuse = await FuseDeviceAccess.OpenToAllUsersAsync();
        Packages = await PackageSet.BuildAsync(_folder.Path);
        await InstallAsync(Packages);
    }

    /// <summary>dpkg -i of the whole set, marked as these tests' install, with the agents' certificates put in place.</summary>
    public async Task<string> InstallAsync(PackageSet packages)
    {
        var output = await Dpkg.InstallAsync(packages.Files);
        await InstalledCertificates.InstallAsync(Pki);
        await File.WriteAllTextAsync(Installed.TestMarker, "installed by tests/RestoreAgents.Install.Tests\n");
        return output;
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_mayPurge) await Dpkg.PurgeAsync(Installed.Packages);
        }
        finally
        {
            if (_fuse is not null) await _fuse.DisposeAsync();
            _folder.Dispose();
            Pki.Dispose();
        }
    }

    /// <summary>A run that stopped half-way left its install, marked: purge it. Any other install is not ours.</summary>
    private static async Task ClearOwnLeftoversOrRefuseAsync()
    {
        var found = new List<string>();
        foreach (var package in Installed.Packages)
            if (await Dpkg.StatusAsync(package) is { } status)
                found.Add($"package {package} ({status})");
        if (await Account.FindAsync(Installed.User) is not null) found.Add($"user {Installed.User}");
        foreach (var folder in new[] { Installed.ConfigFolder, Installed.Binaries, Installed.StateFolder, Installed.Cache })
            if (Directory.Exists(folder))
                found.Add(folder);
        if (found.Count == 0) return;
        if (!File.Exists(Installed.TestMarker))
            throw new InvalidOperationException(
                $"RestoreAgents is installed on this machine, and not by these tests: {string.Join(", ", found)}. "
                + "The install tests install, upgrade and purge the packages, so they leave it alone. Run them on a "
                + $"throwaway machine (as CI does), or purge it first: apt-get purge {string.Join(' ', Installed.Packages)}");
        await Dpkg.PurgeAsync(Installed.Packages);
    }
}
