using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RestoreAgents.Security.Tests;

public sealed class PeerIdentityTests
{
    [Fact]
    public void Identity_IsTheCommonName()
    {
        using var certificate = SelfSigned("O=Example, CN=alice, OU=Backups", "alice.example");

        Assert.Equal("alice", PeerIdentity.Of(certificate));
    }

    [Fact]
    public void Identity_WithoutACommonName_IsTheFirstDnsName()
    {
        using var certificate = SelfSigned("O=Example", "proxy-1.example");

        Assert.Equal("proxy-1.example", PeerIdentity.Of(certificate));
    }

    private static X509Certificate2 SelfSigned(string subject, string dns)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dns);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
