using System.Net;
using Microsoft.Extensions.Logging.Abstractions;

namespace RestoreAgents.Security.Tests;

/// <summary>TLS files are read at start, again when they change, and never half: a bad generation keeps the last good one.</summary>
public sealed class CertificateSourceTests : IDisposable
{
    private readonly TestPki _pki = new();

    [Fact]
    public async Task ReplacedFiles_AreReadAgain_WithoutBeingAsked()
    {
        var files = _pki.Files(TestPki.MediaAgent);
        using var source = new CertificateSource(files, NullLogger.Instance);
        var reloaded = new TaskCompletionSource<TlsMaterial>(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Reloaded += material => reloaded.TrySetResult(material);
        using var renewed = Renew();

        CertificateAuthority.Save(renewed, files.CertificateFile + ".new", files.KeyFile + ".new");
        File.Move(files.KeyFile + ".new", files.KeyFile, overwrite: true);
        File.Move(files.CertificateFile + ".new", files.CertificateFile, overwrite: true);

        var material = await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(renewed.Thumbprint, material.Certificate.Thumbprint);
        Assert.Equal(renewed.Thumbprint, source.Current.Certificate.Thumbprint);
    }

    [Fact]
    public void AKeyThatDoesNotMatch_KeepsTheMaterialInForce()
    {
        var files = _pki.Files(TestPki.MediaAgent);
        using var source = new CertificateSource(files, NullLogger.Instance, watch: false);
        var before = source.Current;

        File.Copy(_pki.Files(TestPki.Viewer).KeyFile, files.KeyFile, overwrite: true);

        Assert.False(source.Reload("test"));
        Assert.Same(before, source.Current);
    }

    [Fact]
    public void AKeyOthersMayRead_IsRefused_NamingTheFileAndItsMode()
    {
        var files = _pki.Files(TestPki.MediaAgent);
        File.SetUnixFileMode(files.KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var e = Assert.Throws<CertificateLoadException>(() => PemTlsFiles.Load(files));

        Assert.Contains(files.KeyFile, e.Message);
        Assert.Contains("0604", e.Message);
    }

    [Fact]
    public void AMissingFile_IsRefused_NamingIt()
    {
        var files = _pki.Files(TestPki.MediaAgent) with { TrustedCaFile = _pki.Folder + "/none.pem" };

        var e = Assert.Throws<CertificateLoadException>(() => PemTlsFiles.Load(files));

        Assert.Equal($"trusted CA file {_pki.Folder}/none.pem does not exist", e.Message);
    }

    private System.Security.Cryptography.X509Certificates.X509Certificate2 Renew()
    {
        using var ca = CertificateAuthority.Load(_pki.CaFile, _pki.CaKeyFile);
        return ca.Issue(TestPki.MediaAgent, ["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(1), TimeProvider.System);
    }

    public void Dispose() => _pki.Dispose();
}
