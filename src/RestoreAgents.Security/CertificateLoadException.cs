namespace RestoreAgents.Security;

/// <summary>A certificate, key or CA file cannot be used; the message names the file and why.</summary>
public sealed class CertificateLoadException(string message, Exception? inner = null) : Exception(message, inner);
