namespace RestoreAgents.Security;

/// <summary>Where a component's TLS material lives: its certificate, that certificate's key, and the CAs it trusts.</summary>
/// <param name="CertificateFile">PEM: the certificate this component presents (leaf first, then any intermediates).</param>
/// <param name="KeyFile">PEM: the private key of that certificate, unencrypted, readable by its owner only.</param>
/// <param name="TrustedCaFile">PEM: the CA certificates whose certificates this component accepts from its peers.</param>
public sealed record CertificateFiles(string CertificateFile, string KeyFile, string TrustedCaFile);
