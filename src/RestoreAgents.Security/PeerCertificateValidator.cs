using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RestoreAgents.Security;

/// <summary>
/// Checks a peer's certificate against the configured CAs only (never the machine's store): the chain must end in
/// one of them, every certificate must be valid now, and the leaf must be meant for its use (server or client).
/// </summary>
public sealed class PeerCertificateValidator(TimeProvider time)
{
    /// <summary>Extended key usage of a TLS server certificate.</summary>
    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>Extended key usage of a TLS client certificate.</summary>
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>Null when the certificate is trusted for <paramref name="usage"/>; else why not, in one line.</summary>
    /// <param name="presented">Certificates the peer sent besides its leaf (intermediates), or none.</param>
    public string? Problem(X509Certificate2 peer, IEnumerable<X509Certificate2> presented,
        X509Certificate2Collection trustedRoots, string usage)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(trustedRoots);
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(trustedRoots);
        policy.ExtraStore.AddRange(presented.Where(c => c.Thumbprint != peer.Thumbprint).ToArray());
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = time.GetUtcNow().UtcDateTime;
        policy.VerificationTimeIgnored = false;
        policy.ApplicationPolicy.Add(new Oid(usage));
        if (chain.Build(peer)) return null;

        var reasons = chain.ChainStatus.Select(s => Reason(s, peer)).Distinct().ToList();
        return $"certificate '{PeerIdentity.Of(peer)}' (thumbprint {peer.Thumbprint}) is refused: "
            + string.Join("; ", reasons);
    }

    private string Reason(X509ChainStatus status, X509Certificate2 peer) => status.Status switch
    {
        X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain =>
            $"it is not issued by a trusted CA (issuer '{peer.Issuer}')",
        X509ChainStatusFlags.NotTimeValid =>
            $"it is valid only from {peer.NotBefore.ToUniversalTime():u} to {peer.NotAfter.ToUniversalTime():u}, "
            + $"and it is {time.GetUtcNow().UtcDateTime:u}",
        X509ChainStatusFlags.NotValidForUsage => "it is not meant for this use (extended key usage)",
        _ => status.StatusInformation.Trim(),
    };
}
