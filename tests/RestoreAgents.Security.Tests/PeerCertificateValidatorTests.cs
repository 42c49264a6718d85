using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RestoreAgents.Security.Tests;

/// <summary>Only the configured CAs count, and only for certificates valid now and meant for the use at hand.</summary>
public sealed class PeerCertificateValidatorTests : IDisposable
{
    private readonly CertificateAuthority _ca = CertificateAuthority.Create("Test CA", TimeSpan.FromDays(10), TimeProvider.System);
    private readonly CertificateAuthority _other = CertificateAuthority.Create("Test CA", TimeSpan.FromDays(10), TimeProvider.System);
    private readonly X509Certificate2Collection _roots;

    public PeerCertificateValidatorTests() => _roots = [X509CertificateLoader.LoadCertificate(_ca.Certificate.RawData)];

    [Fact]
    public void ACertificateOfTheCa_IsTrusted_ForBothUses()
    {
        using var peer = _ca.Issue("media-agent", [], [], TimeSpan.FromDays(1), TimeProvider.System);
        var validator = new PeerCertificateValidator(TimeProvider.System);

        Assert.Null(validator.Problem(peer, [], _roots, PeerCertificateValidator.ServerAuthentication));
        Assert.Null(validator.Problem(peer, [], _roots, PeerCertificateValidator.ClientAuthentication));
    }

    [Fact]
    public void ACertificateOfAnotherCaOfTheSameName_IsRefused()
    {
        using var peer = _other.Issue("media-agent", [], [], TimeSpan.FromDays(1), TimeProvider.System);

        var problem = new PeerCertificateValidator(TimeProvider.System)
            .Problem(peer, [], _roots, PeerCertificateValidator.ServerAuthentication);

        Assert.Contains("'media-agent'", problem);
        Assert.Contains("it is not issued by a trusted CA", problem);
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(3)]
    public void ACertificateOutsideItsValidity_IsRefused_SayingWhen(int daysFromNow)
    {
        using var peer = _ca.Issue("media-agent", [], [], TimeSpan.FromDays(1), TimeProvider.System);

        var problem = new PeerCertificateValidator(new ShiftedClock(TimeSpan.FromDays(daysFromNow)))
            .Problem(peer, [], _roots, PeerCertificateValidator.ClientAuthentication);

        Assert.Contains("it is valid only from", problem);
    }

    [Fact]
    public void ACertificateForServersOnly_IsRefused_AsAClient()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=web", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(PeerCertificateValidator.ServerAuthentication)], false));
        using var peer = request.Create(_ca.Certificate, DateTimeOffset.UtcNow.AddMinutes(-1),
            DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3]);
        var validator = new PeerCertificateValidator(TimeProvider.System);

        Assert.Null(validator.Problem(peer, [], _roots, PeerCertificateValidator.ServerAuthentication));
        Assert.Contains("not meant for this use", validator.Problem(peer, [], _roots, PeerCertificateValidator.ClientAuthentication));
    }

    public void Dispose()
    {
        _ca.Dispose();
        _other.Dispose();
    }
}
