using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using RestoreAgents.Security;

namespace RestoreAgents.Hosting.Security;

/// <summary>
/// The TLS side of each connection Kestrel accepts: presents the certificate in force now (so a renewed one is
/// served without a restart), demands a client certificate, and accepts only one that chains to the configured CAs,
/// is valid now and is meant for clients. A refused handshake gets its audit line.
/// </summary>
internal sealed class ClientCertificateCheck(CertificateSource source, PeerCertificateValidator validator,
    AuditLog audit)
{
    public void Apply(ConnectionContext connection, SslServerAuthenticationOptions ssl)
    {
        var material = source.Current;
        ssl.ServerCertificateSelectionCallback = null; // Kestrel's placeholder; SslStream takes one way only
        ssl.ServerCertificate = null;
        ssl.ServerCertificateContext = material.Context;
        ssl.ClientCertificateRequired = true;
        ssl.CertificateRevocationCheckMode = X509RevocationMode.NoCheck;
        var remote = connection.RemoteEndPoint;
        ssl.RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            Accept(remote, certificate, chain, material.TrustedRoots);
    }

    private bool Accept(EndPoint? remote, X509Certificate? certificate, X509Chain? chain,
        X509Certificate2Collection trustedRoots)
    {
        if (certificate is null)
        {
            audit.Write("anonymous", "no certificate", "tls-handshake", AuditOutcome.Denied,
                $"from {remote}: no client certificate");
            return false;
        }
        var peer = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var presented = chain is null
            ? []
            : chain.ChainPolicy.ExtraStore.Concat(chain.ChainElements.Select(e => e.Certificate)).ToList();
        var problem = validator.Problem(peer, presented, trustedRoots, PeerCertificateValidator.ClientAuthentication);
        if (problem is null) return true;
        audit.Write(PeerIdentity.Of(peer), peer.Thumbprint, "tls-handshake", AuditOutcome.Denied, $"from {remote}: {problem}");
        return false;
    }
}
