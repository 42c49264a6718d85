using RestoreAgents.Testing;

namespace RestoreAgents.Install.Tests;

/// <summary>
/// A whole restore with nothing but the installed parts: restorectl from PATH, both agents as their units run them.
/// </summary>
[Collection(InstallCollection.Name)]
public sealed class InstalledRestoreTests(AzuriteFixture azurite, InstalledPackages installed)
    : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task BackupIntoTheStore_ThenRestoreThroughTheInstalledAgents_LandsVerifiedInThePageBlob()
    {
        using var folder = new TempDirectory("installed-restore");
        var image = folder.Combine("vm.raw");
        await TestDiskImage.CreateAsync(image, 48L << 20, seed: 71);
        // The service user reads the image, as it would one an operator copied from a VM.
        const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead
            | UnixFileMode.OtherRead;
        File.SetUnixFileMode(folder.Path, Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute
            | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(image, Readable);
        var copy = $"installed-{Guid.NewGuid():N}"[..24];

        // As the settings file says: back up as the service user, so the media agent can read the store.
        var backup = await ProcessRunner.RunAsync("runuser",
            ["-u", Installed.User, "--", "restorectl", "backup", "--store", Installed.Store, "--image", image, "--name", copy]);
        Assert.True(backup.ExitCode == 0, backup.Combined);

        var mediaUrl = InstalledAgent.Media.ListenOnFreePort();
        var dataUrl = InstalledAgent.Data.ListenOnFreePort();
        var settings = await File.ReadAllTextAsync(Installed.DataAgentConfig);
        try
        {
            // As the settings file documents: the media agent and the storage account by name, the key in the
            // file's own environment (0640 root:restoreagents), never in a request.
            void Set(string key, string value) => EnvironmentFile.Add(Installed.DataAgentConfig, key, value);
            Set("DataAgent__MediaAgents__backup1__Url", mediaUrl.ToString());
            Set("DataAgent__Destinations__azurite__BlobEndpoint", azurite.BlobEndpoint);
            Set("DataAgent__Destinations__azurite__Credential", "AccountKey");
            Set("DataAgent__Destinations__azurite__AccountName", AzuriteFixture.AccountName);
            Set("DataAgent__Destinations__azurite__AccountKeyEnvironment", "RESTOREAGENTS_AZURITE_KEY");
            Set("DataAgent__Destinations__azurite__AllowPlaintext", "true");
            Set("RESTOREAGENTS_AZURITE_KEY", AzuriteFixture.AccountKey);
            await using var media = await InstalledAgent.Media.StartAsync();
            await using var data = await InstalledAgent.Data.StartAsync();
            var operatorFiles = installed.Pki.Files(TestPki.Operator);
            var restore = await ProcessRunner.RunAsync("restorectl",
            [
                "restore", "--data-agent", dataUrl.ToString(), "--media-agent", "backup1", "--destination", "azurite",
                "--copy", copy, "--container", "installed", "--blob", "vm.vhd", "--cache-size", "8MiB",
                // The operator's own certificate, of the CA the agents trust.
                "--cert", operatorFiles.CertificateFile, "--key", operatorFiles.KeyFile, "--ca", operatorFiles.TrustedCaFile,
            ], TimeSpan.FromMinutes(5));

            // Exit 0: every page is in the blob, read back and checked against the copy's SHA-256.
            Assert.True(restore.ExitCode == 0,
                $"restorectl restore exited {restore.ExitCode}:\n{restore.Combined}\n"
                + $"media agent:\n{media.Output}\ndata agent:\n{data.Output}");
            Assert.Contains($"writes through the pseudo-disk file {Installed.MountPath}/", data.Output);
            Assert.Contains("WARNING: destination 'azurite'", data.Output);
            Assert.DoesNotContain(AzuriteFixture.AccountKey, data.Output);
        }
        finally
        {
            await File.WriteAllTextAsync(Installed.DataAgentConfig, settings);
        }
    }
}
