using RestoreAgents.Testing;
using Grpc.Health.V1;

namespace RestoreAgents.Install.Tests;

/// <summary>
/// Upgrade, remove and purge, as an operator does them with dpkg; the collection's install is back afterwards.
/// </summary>
[Collection(InstallCollection.Name)]
public sealed class PackageLifecycleTests(InstalledPackages installed)
{
    [Fact]
    public async Task Upgrade_KeepsEditedSettings_Remove_KeepsSettingsAndBackups_Purge_LeavesNothing()
    {
        try
        {
            // An operator's edits, and a backup in the store.
            InstalledAgent.Media.ListenOnFreePort();
            InstalledAgent.Data.ListenOnFreePort();
            var mediaSettings = await File.ReadAllTextAsync(Installed.MediaAgentConfig);
            var dataSettings = await File.ReadAllTextAsync(Installed.DataAgentConfig);
            var backup = Path.Combine(Installed.Store, "lifecycle.manifest");
            await File.WriteAllTextAsync(backup, "stands for a backup");

            var higher = await PackageSet.BuildAsync(installed.Folder, installed.Packages.Version + "+upgrade1");
            await Dpkg.InstallAsync(higher.Files);
            foreach (var package in Installed.Packages)
                Assert.Equal(higher.Version, await Dpkg.VersionAsync(package));
            Assert.Equal(mediaSettings, await File.ReadAllTextAsync(Installed.MediaAgentConfig));
            Assert.Equal(dataSettings, await File.ReadAllTextAsync(Installed.DataAgentConfig));
            foreach (var agent in new[] { InstalledAgent.Media, InstalledAgent.Data })
                await StartsAndServesAsync(agent, installed.Pki);

            await Dpkg.RemoveAsync(Installed.Packages);
            foreach (var gone in new[] { Installed.MediaAgentDll, Installed.DataAgentDll, Installed.RestorectlDll,
                         Installed.Restorectl, Installed.MediaAgentUnit, Installed.DataAgentUnit })
                Assert.False(File.Exists(gone), $"{gone} is still there after dpkg --remove");
            Assert.False(Directory.Exists(Installed.Binaries), $"{Installed.Binaries} is still there after dpkg --remove");
            Assert.Equal(mediaSettings, await File.ReadAllTextAsync(Installed.MediaAgentConfig));
            Assert.Equal(dataSettings, await File.ReadAllTextAsync(Installed.DataAgentConfig));
            Assert.True(File.Exists(backup), "dpkg --remove deleted the backups in the store");
            Assert.True(Directory.Exists(Installed.CertificatesFolder), "dpkg --remove deleted the certificates folder");
            Assert.NotNull(await Account.FindAsync(Installed.User));
            // restorectl has no settings, so nothing of it stays; the others keep theirs until purged.
            Assert.Null(await Dpkg.StatusAsync("restorectl"));
            foreach (var package in Installed.Packages.Where(package => package != "restorectl"))
                Assert.Equal("deinstall ok config-files", await Dpkg.StatusAsync(package));

            await Dpkg.PurgeAsync(Installed.Packages);
            foreach (var gone in new[] { Installed.ConfigFolder, Installed.StateFolder, Installed.Cache, Installed.Binaries })
                Assert.False(Directory.Exists(gone), $"{gone} is still there after dpkg --purge");
            Assert.Null(await Account.FindAsync(Installed.User));
            Assert.Null(await Account.FindGroupAsync(Installed.User));
            foreach (var package in Installed.Packages)
                Assert.Null(await Dpkg.StatusAsync(package));
        }
        finally
        {
            // Back to the collection's install for the tests that come after this one, whatever failed above.
            await Dpkg.PurgeAsync(Installed.Packages);
            await installed.InstallAsync(installed.Packages);
        }
    }

    private static async Task StartsAndServesAsync(InstalledAgent agent, TestPki pki)
    {
        var url = new Uri(EnvironmentFile.Read(agent.Config).Last(setting => setting.Key == "ASPNETCORE_URLS").Value);
        await using var process = await agent.StartAsync();
        Assert.True(await AgentHealth.CheckAsync(url, pki) == HealthCheckResponse.Types.ServingStatus.Serving,
            $"{agent.Unit} after the upgrade:\n{process.Output}");
        Assert.True((await process.StopAsync()).InTime, process.Output);
    }
}
