using RestoreAgents.Security;

namespace RestoreAgents.Hosting.Security;

/// <summary>
/// The agent's TLS settings, bound from "Tls": the certificate it presents (as a server, and as a client when it
/// dials another agent), its key, and the CAs it trusts for callers and for the agents it dials.
/// </summary>
public sealed class TlsOptions
{
    public const string Section = "Tls";

    /// <summary>PEM certificate (leaf first, then any intermediates).</summary>
    public string CertificateFile { get; set; } = "";

    /// <summary>PEM private key of the certificate; 0600.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>PEM bundle of the CAs this agent trusts.</summary>
    public string TrustedCaFile { get; set; } = "";

    /// <summary>Development only: serve h2c on http:// addresses, where callers are not authenticated.</summary>
    public bool AllowPlaintext { get; set; }

    /// <summary>True when any file is named: then all three must be.</summary>
    public bool HasFiles => !string.IsNullOrWhiteSpace(CertificateFile) || !string.IsNullOrWhiteSpace(KeyFile)
        || !string.IsNullOrWhiteSpace(TrustedCaFile);

    public CertificateFiles Files => new(CertificateFile, KeyFile, TrustedCaFile);
}
