using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace RestoreAgents.Security.Tests;

public sealed class CertificateAuthorityTests : IDisposable
{
    private readonly TempDirectory _folder = new("ca-tests");
    private readonly CertificateAuthority _ca = CertificateAuthority.Create("Test CA", TimeSpan.FromDays(10), TimeProvider.System);

    [Fact]
    public void Issue_GivesACertificateForServingAndDialing_UnderItsNames_ChainedToTheCa()
    {
        using var issued = _ca.Issue("proxy-1", ["proxy-1.example"], [IPAddress.Parse("10.0.0.7")], TimeSpan.FromDays(1),
            TimeProvider.System);

        var usages = issued.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages
            .Cast<System.Security.Cryptography.Oid>().Select(o => o.Value).ToList();
        Assert.Equal([PeerCertificateValidator.ServerAuthentication, PeerCertificateValidator.ClientAuthentication], usages);
        Assert.Equal("proxy-1", PeerIdentity.Of(issued));
        Assert.True(issued.MatchesHostname("proxy-1.example"));
        Assert.True(issued.MatchesHostname("10.0.0.7"));
        Assert.False(issued.MatchesHostname("proxy-2.example"));
        Assert.Equal(_ca.Certificate.Subject, issued.Issuer);
        Assert.True(issued.HasPrivateKey);
    }

    [Fact]
    public void Issue_NeverOutlivesTheCa()
    {
        using var issued = _ca.Issue("long", [], [], TimeSpan.FromDays(365), TimeProvider.System);

        Assert.True(issued.NotAfter <= _ca.Certificate.NotAfter);
    }

    [Fact]
    public void Save_WritesTheKeyForItsOwnerOnly_AndLoadReadsTheCaBack()
    {
        _ca.Save(_folder.Combine("ca.pem"), _folder.Combine("ca.key"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_folder.Combine("ca.key")));
        using var loaded = CertificateAuthority.Load(_folder.Combine("ca.pem"), _folder.Combine("ca.key"));
        Assert.Equal(_ca.Certificate.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.Throws<IOException>(() => _ca.Save(_folder.Combine("ca.pem"), _folder.Combine("ca.key")));
    }

    [Fact]
    public void Load_OfALeafCertificate_IsRefused_AsNoCa()
    {
        using var leaf = _ca.Issue("leaf", [], [], TimeSpan.FromDays(1), TimeProvider.System);
        CertificateAuthority.Save(leaf, _folder.Combine("leaf.pem"), _folder.Combine("leaf.key"));

        var e = Assert.Throws<CertificateLoadException>(() =>
            CertificateAuthority.Load(_folder.Combine("leaf.pem"), _folder.Combine("leaf.key")));

        Assert.Contains("is not a CA certificate", e.Message);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _folder.Dispose();
    }
}
