using System.Security.Cryptography.X509Certificates;

namespace RestoreAgents.Security;

/// <summary>Who a certificate names: its subject's common name, else its first DNS subject alternative name.</summary>
public static class PeerIdentity
{
    private const string CommonNameOid = "2.5.4.3";

    public static string Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        foreach (var name in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (!name.HasMultipleElements && name.GetSingleElementType().Value == CommonNameOid && name.GetSingleElementValue() is { Length: > 0 } cn)
                return cn;
        }
        foreach (var extension in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            if (extension.EnumerateDnsNames().FirstOrDefault() is { } dns)
                return dns;
        }
        return certificate.Subject;
    }
}
