using System.Security.Cryptography.X509Certificates;
using RestoreAgents.Security;

namespace RestoreAgents.Cli.Tests;

/// <summary>`restorectl certs`: a CA and certificates an operator can use at once, keys private, nothing overwritten.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CertsCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new("restorectl-certs");

    [Fact]
    public async Task CaThenIssue_MakeACertificateTheCaVouchesFor_ForServingAndDialing()
    {
        var ca = await CliRun.Of("certs", "ca", "--dir", _folder.Path);
        var issued = await CliRun.Of("certs", "issue", "--ca-dir", _folder.Path, "--name", "data-agent-1",
            "--dns", "proxy.example", "--ip", "10.0.0.7");

        Assert.True(ca.ExitCode == ExitCodes.Success, ca.Error);
        Assert.True(issued.ExitCode == ExitCodes.Success, issued.Error);
        var material = PemTlsFiles.Load(new CertificateFiles(_folder.Combine("data-agent-1.pem"),
            _folder.Combine("data-agent-1.key"), _folder.Combine("ca.pem")));
        Assert.Equal("data-agent-1", material.Identity);
        var validator = new PeerCertificateValidator(TimeProvider.System);
        Assert.Null(validator.Problem(material.Certificate, [], material.TrustedRoots, PeerCertificateValidator.ServerAuthentication));
        Assert.Null(validator.Problem(material.Certificate, [], material.TrustedRoots, PeerCertificateValidator.ClientAuthentication));
        Assert.True(material.Certificate.MatchesHostname("proxy.example"));
        Assert.True(material.Certificate.MatchesHostname("10.0.0.7"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_folder.Combine("ca.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_folder.Combine("data-agent-1.key")));
    }

    [Fact]
    public async Task Ca_IntoAFolderThatHasOne_OverwritesNothing()
    {
        await CliRun.Of("certs", "ca", "--dir", _folder.Path);
        var before = await File.ReadAllTextAsync(_folder.Combine("ca.key"));

        var again = await CliRun.Of("certs", "ca", "--dir", _folder.Path);

        Assert.Equal(ExitCodes.OtherError, again.ExitCode);
        Assert.Contains("already exists", again.Error);
        Assert.Equal(before, await File.ReadAllTextAsync(_folder.Combine("ca.key")));
    }

    [Fact]
    public async Task Issue_WithoutACa_IsAUsageError_NamingTheFolder()
    {
        var result = await CliRun.Of("certs", "issue", "--ca-dir", _folder.Combine("none"), "--name", "alice");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(_folder.Combine("none"), result.Error);
    }

    [Fact]
    public async Task AnHttpsAgent_WithoutCertificateFiles_IsAUsageError_SayingWhereTheyWereLookedFor()
    {
        var run = new CliRun { Variables = { ["HOME"] = _folder.Path } };

        var result = await run.RunAsync("status", "--data-agent", "https://127.0.0.1:5020");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(Path.Combine(_folder.Path, ".config", "restoreagents", "cert.pem"), result.Error);
        Assert.Contains("--cert", result.Error);
    }

    public void Dispose() => _folder.Dispose();
}
