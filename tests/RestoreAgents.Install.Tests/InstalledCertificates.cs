using RestoreAgents.Testing;

namespace RestoreAgents.Install.Tests;

/// <summary>
/// Puts a <see cref="TestPki"/>'s CA and the agents' certificates where the shipped settings files name them, as
/// the README tells an operator to: /etc/restoreagents/certs/, keys 0600 owned by the service user.
/// </summary>
public static class InstalledCertificates
{
    public static async Task InstallAsync(TestPki pki)
    {
        File.Copy(pki.CaFile, Path.Combine(Installed.CertificatesFolder, Installed.CaFile), overwrite: true);
        foreach (var agent in new[] { TestPki.MediaAgent, TestPki.DataAgent })
        {
            var files = pki.Files(agent);
            var certificate = Path.Combine(Installed.CertificatesFolder, agent + ".pem");
            var key = Path.Combine(Installed.CertificatesFolder, agent + ".key");
            File.Copy(files.CertificateFile, certificate, overwrite: true);
            File.Copy(files.KeyFile, key, overwrite: true);
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await ProcessRunner.RunCheckedAsync("chown", $"{Installed.User}:{Installed.User}", key);
        }
    }
}
