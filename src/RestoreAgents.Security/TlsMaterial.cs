using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace RestoreAgents.Security;

/// <summary>One loaded generation of a component's TLS files: what it presents, and whom it trusts.</summary>
public sealed class TlsMaterial
{
    internal TlsMaterial(X509Certificate2 certificate, X509Certificate2Collection intermediates,
        X509Certificate2Collection trustedRoots)
    {
        Certificate = certificate;
        Intermediates = intermediates;
        TrustedRoots = trustedRoots;
        // Offline: the chain is what the file holds; never fetch intermediates from the network.
        Context = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
        Identity = PeerIdentity.Of(certificate);
    }

    /// <summary>The leaf certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificates after the leaf in the certificate file, sent along so peers can build the chain.</summary>
    public X509Certificate2Collection Intermediates { get; }

    /// <summary>The CAs of the trusted CA file: the only roots a peer's chain may end in.</summary>
    public X509Certificate2Collection TrustedRoots { get; }

    /// <summary>The leaf and its intermediates, as a TLS server or client presents them.</summary>
    public SslStreamCertificateContext Context { get; }

    /// <summary>The identity peers see (<see cref="PeerIdentity.Of"/>).</summary>
    public string Identity { get; }

    public override string ToString() =>
        $"'{Identity}' (thumbprint {Certificate.Thumbprint}, valid until {Certificate.NotAfter.ToUniversalTime():u})";
}
