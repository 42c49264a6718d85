using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RestoreAgents.Security;

/// <summary>
/// A small certificate authority for RestoreAgents' own components (`restorectl certs` and the tests): ECDSA
/// P-256, one self-signed root that issues leaf certificates good for serving and for dialing (serverAuth and
/// clientAuth), so an agent presents the same certificate either way.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private CertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A new root CA named <paramref name="name"/>, valid from now for <paramref name="validity"/>.</summary>
    /// <param name="notBefore">From when it is valid: now unless given (the tests backdate theirs).</param>
    public static CertificateAuthority Create(string name, TimeSpan validity, TimeProvider time,
        DateTimeOffset? notBefore = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(name)}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // A minute back: a peer whose clock is a little behind still accepts what was issued just now.
        var from = notBefore ?? time.GetUtcNow().AddMinutes(-1);
        return new CertificateAuthority(request.CreateSelfSigned(from, from + validity));
    }

    /// <summary>The CA of a PEM certificate file and its key file (as <see cref="Save"/> wrote them).</summary>
    /// <exception cref="CertificateLoadException">The files are not a CA's certificate and key.</exception>
    public static CertificateAuthority Load(string certificateFile, string keyFile)
    {
        var material = PemTlsFiles.Load(new CertificateFiles(certificateFile, keyFile, certificateFile));
        var constraints = material.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        return constraints is { CertificateAuthority: true }
            ? new CertificateAuthority(material.Certificate)
            : throw new CertificateLoadException($"{certificateFile} is not a CA certificate (no CA basic constraint)");
    }

    /// <summary>
    /// A certificate for <paramref name="name"/> (its common name, and the identity roles are given to), with
    /// <paramref name="dnsNames"/> and <paramref name="addresses"/> as the names a server may be dialled by.
    /// </summary>
    /// <param name="notBefore">From when it is valid: now unless given (the tests make expired ones).</param>
    public X509Certificate2 Issue(string name, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses,
        TimeSpan validity, TimeProvider time, DateTimeOffset? notBefore = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(name)}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(PeerCertificateValidator.ServerAuthentication), new Oid(PeerCertificateValidator.ClientAuthentication)],
            false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var names = new SubjectAlternativeNameBuilder();
        var any = false;
        foreach (var dns in dnsNames) { names.AddDnsName(dns); any = true; }
        foreach (var address in addresses) { names.AddIpAddress(address); any = true; }
        if (any) request.CertificateExtensions.Add(names.Build());

        var from = notBefore ?? time.GetUtcNow().AddMinutes(-1);
        var until = from + validity;
        if (until > Certificate.NotAfter) until = Certificate.NotAfter; // never outlive the CA
        using var issued = request.Create(Certificate, from, until, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes a certificate (PEM, 0644) and its private key (PKCS#8 PEM, 0600); refuses to overwrite.</summary>
    public static void Save(X509Certificate2 certificate, string certificateFile, string keyFile)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var key = certificate.GetECDsaPrivateKey() as AsymmetricAlgorithm ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException("the certificate has no private key", nameof(certificate));
        using (key)
        {
            Write(keyFile, key.ExportPkcs8PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        Write(certificateFile, certificate.ExportCertificatePem(), UnixFileMode.UserRead | UnixFileMode.UserWrite
            | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    /// <summary>Writes the CA's certificate and key (<see cref="Save"/>).</summary>
    public void Save(string certificateFile, string keyFile) => Save(Certificate, certificateFile, keyFile);

    public void Dispose() => Certificate.Dispose();

    private static void Write(string path, string pem, UnixFileMode mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode; // the key is never readable by others, not even briefly
        try
        {
            using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
            writer.Write(pem);
            writer.Write('\n');
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new IOException($"{path} already exists: move it away first (nothing was overwritten)", e);
        }
    }

    /// <summary>A name as one RDN value: quotes and commas would otherwise start new attributes.</summary>
    private static string Escape(string name) =>
        name.IndexOfAny([',', '+', '"', '\\', '<', '>', ';', '=']) < 0 ? name : "\"" + name.Replace("\"", "\\\"") + "\"";
}
