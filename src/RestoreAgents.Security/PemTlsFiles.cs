using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RestoreAgents.Security;

/// <summary>Reads <see cref="CertificateFiles"/> into <see cref="TlsMaterial"/>, naming the file at fault.</summary>
public static class PemTlsFiles
{
    /// <exception cref="CertificateLoadException">A file is missing, unreadable, not PEM, or does not fit.</exception>
    public static TlsMaterial Load(CertificateFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var chain = ReadCertificates(files.CertificateFile, "certificate file");
        KeyFileAccess.EnsurePrivate(Existing(files.KeyFile, "key file"));
        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(File.ReadAllText(files.CertificateFile),
                File.ReadAllText(files.KeyFile));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // ArgumentException: a key, but of another certificate (mid-renewal, or a wrong file).
            throw new CertificateLoadException($"key file {files.KeyFile} holds no unencrypted PEM private key of the "
                + $"certificate in {files.CertificateFile}: {e.Message}", e);
        }
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in chain.Skip(1))
            intermediates.Add(certificate);
        return new TlsMaterial(leaf, intermediates, ReadCertificates(files.TrustedCaFile, "trusted CA file"));
    }

    /// <summary>Every certificate of a PEM file, in order; at least one.</summary>
    public static X509Certificate2Collection ReadCertificates(string path, string what)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(Existing(path, what));
        }
        catch (CryptographicException e)
        {
            throw new CertificateLoadException($"{what} {path} is not a PEM certificate file: {e.Message}", e);
        }
        return certificates.Count > 0
            ? certificates
            : throw new CertificateLoadException($"{what} {path} holds no PEM certificate");
    }

    private static string Existing(string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new CertificateLoadException($"no {what} is configured");
        if (!File.Exists(path))
            throw new CertificateLoadException($"{what} {path} does not exist");
        return path;
    }
}
