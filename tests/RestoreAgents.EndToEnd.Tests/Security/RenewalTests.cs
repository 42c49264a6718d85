using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Health.V1;
using RestoreAgents.Security;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests.Security;

/// <summary>
/// Certificate renewal needs no restart: new PEM files renamed over the old ones and a SIGHUP, and the agent's
/// next connection presents the new certificate, while calls keep working.
/// </summary>
public sealed class RenewalTests
{
    [Fact]
    public async Task MediaAgent_PresentsARenewedCertificate_FromTheNextConnection_WithoutARestart()
    {
        using var pki = new TestPki();
        using var store = new TempDirectory("renewal-store");
        await using var agent = await AgentProcess.StartAsync("RestoreAgents.MediaAgent", pki,
            $"--MediaAgent:StorePath={store.Path}");
        var files = pki.Files(TestPki.MediaAgent);
        using var viewer = X509Certificate2.CreateFromPemFile(pki.Files(TestPki.Viewer).CertificateFile,
            pki.Files(TestPki.Viewer).KeyFile);
        using var before = await TlsProbe.ServerCertificateAsync(agent.Url.Port, viewer);
        Assert.Equal(File.ReadAllText(files.CertificateFile).Trim(), before.ExportCertificatePem().Trim());

        using var renewed = IssueRenewal(pki);
        var reloaded = agent.NextLineAsync(l => l.Contains("TLS files reloaded", StringComparison.Ordinal)
            && l.Contains(renewed.Thumbprint, StringComparison.Ordinal));
        // As renewal tools do: write new files beside the old, then rename them over (each rename is atomic).
        CertificateAuthority.Save(renewed, files.CertificateFile + ".new", files.KeyFile + ".new");
        File.Move(files.KeyFile + ".new", files.KeyFile, overwrite: true);
        File.Move(files.CertificateFile + ".new", files.CertificateFile, overwrite: true);
        await agent.HangUpAsync();
        await reloaded.WaitAsync(TimeSpan.FromSeconds(30));

        using var after = await TlsProbe.ServerCertificateAsync(agent.Url.Port, viewer);
        Assert.Equal(renewed.Thumbprint, after.Thumbprint);
        Assert.NotEqual(before.Thumbprint, after.Thumbprint);
        using var channel = pki.Channel(agent.Url, TestPki.Viewer);
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.False(await agent.ExitedWithinAsync(TimeSpan.Zero), "SIGHUP stopped the agent");
    }

    private static X509Certificate2 IssueRenewal(TestPki pki)
    {
        using var ca = CertificateAuthority.Load(pki.CaFile, pki.CaKeyFile);
        return ca.Issue(TestPki.MediaAgent, ["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(7), TimeProvider.System);
    }
}
