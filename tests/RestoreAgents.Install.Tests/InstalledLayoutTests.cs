using System.Text.Json;
using RestoreAgents.Testing;

namespace RestoreAgents.Install.Tests;

/// <summary>What dpkg -i leaves on the machine: files, folders, owners, modes, the service user, the units.</summary>
[Collection(InstallCollection.Name)]
public sealed class InstalledLayoutTests
{
    [Fact]
    public async Task Install_PutsEachFileAndFolderWhereTheReadmeSays_WithItsOwnerAndMode()
    {
        (string Path, string Kind, string Mode, string Owner, string Group)[] expected =
        [
            (Installed.ConfigFolder, "folder", "0750", "root", Installed.User),
            (Installed.CertificatesFolder, "folder", "0750", "root", Installed.User),
            (Installed.MediaAgentConfig, "file", "0640", "root", Installed.User),
            (Installed.DataAgentConfig, "file", "0640", "root", Installed.User),
            (Installed.Store, "folder", "0700", Installed.User, Installed.User),
            (Installed.Cache, "folder", "0700", Installed.User, Installed.User),
            (Installed.MediaAgentDll, "file", "0644", "root", "root"),
            (Installed.DataAgentDll, "file", "0644", "root", "root"),
            (Installed.RestorectlDll, "file", "0644", "root", "root"),
            (Installed.Restorectl, "file", "0755", "root", "root"),
            (Installed.MediaAgentUnit, "file", "0644", "root", "root"),
            (Installed.DataAgentUnit, "file", "0644", "root", "root"),
        ];
        foreach (var (path, kind, mode, owner, group) in expected)
        {
            var facts = await PathFacts.OfAsync(path);
            Assert.Equal(new PathFacts(path, kind, mode, owner, group), facts);
        }
    }

    [Fact]
    public async Task Install_MakesTheServiceUserASystemAccountThatCannotLogIn()
    {
        var account = await Account.FindAsync(Installed.User);

        Assert.NotNull(account);
        Assert.InRange(account.Uid, 1, 999);
        Assert.Equal(await Account.FindGroupAsync(Installed.User), account.Gid);
        Assert.Equal("/usr/sbin/nologin", account.Shell);
        Assert.Equal(Installed.StateFolder, account.Home);
    }

    [Fact]
    public async Task Install_KeepsEachAgentsSettingsFileAsAConffile()
    {
        Assert.Equal([Installed.MediaAgentConfig], await Dpkg.ConffilesAsync("restoreagents-media-agent"));
        Assert.Equal([Installed.DataAgentConfig], await Dpkg.ConffilesAsync("restoreagents-data-agent"));
    }

    [Fact]
    public void Install_ShipsNoListenAddressBesideTheBinaries_SoTheSettingsFileDecides()
    {
        foreach (var dll in new[] { Installed.MediaAgentDll, Installed.DataAgentDll })
        {
            var settings = Path.Combine(Path.GetDirectoryName(dll)!, "appsettings.json");
            using var json = JsonDocument.Parse(File.ReadAllText(settings));
            var keys = json.RootElement.EnumerateObject().Select(property => property.Name).ToList();
            Assert.DoesNotContain(keys, key => key.Equals("Urls", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task Units_PassSystemdAnalyzeVerify_WithoutAWarning()
    {
        var result = await ProcessRunner.RunAsync("systemd-analyze",
            ["verify", Installed.MediaAgentUnit, Installed.DataAgentUnit]);

        Assert.True(result.ExitCode == 0 && result.Combined.Trim().Length == 0,
            $"systemd-analyze verify exited {result.ExitCode}:\n{result.Combined}");
    }

    [Fact]
    public async Task Restorectl_RunsFromPath_AndPrintsItsHelp()
    {
        // A login shell's PATH, not the test's: what an operator types after apt install.
        var result = await ProcessRunner.RunAsync("/usr/bin/env",
            ["-i", "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/root", "restorectl", "--help"]);

        Assert.True(result.ExitCode == 0, result.Combined);
        Assert.Contains("Usage:", result.StandardOutput);
        Assert.Contains("backup", result.StandardOutput);
        Assert.Contains("restore", result.StandardOutput);
    }
}
