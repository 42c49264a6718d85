namespace RestoreAgents.Security;

/// <summary>A TLS peer's certificate was refused; the message says whose and why (untrusted CA, expired, wrong name).</summary>
public sealed class PeerCertificateRejectedException(string message) : Exception(message)
{
    /// <summary>The refusal among <paramref name="failure"/> and its causes (a failed call's debug exception wraps it), if any.</summary>
    public static PeerCertificateRejectedException? FindIn(Exception? failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is PeerCertificateRejectedException rejected) return rejected;
        }
        return null;
    }
}
