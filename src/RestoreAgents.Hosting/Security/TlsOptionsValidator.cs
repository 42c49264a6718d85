using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using RestoreAgents.Security;

namespace RestoreAgents.Hosting.Security;

/// <summary>
/// At start: an agent listens on https:// addresses only, with certificate files that load, unless Tls:AllowPlaintext
/// says otherwise. A bad setting stops the host with one line naming it.
/// </summary>
internal sealed class TlsOptionsValidator(IConfiguration configuration) : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options)
    {
        var addresses = ListenAddresses.From(configuration);
        if (addresses.Count == 0)
            return ValidateOptionsResult.Fail("no listen address: set Urls (--urls or ASPNETCORE_URLS) to "
                + "https://HOST:PORT; without one Kestrel would serve plaintext on http://localhost:5000");
        if (addresses.FirstOrDefault(a => !ListenAddresses.IsPlaintext(a) && !ListenAddresses.IsTls(a)) is { } odd)
            return ValidateOptionsResult.Fail($"Urls has '{odd}'; each listen address must be https://HOST:PORT "
                + "(or http://HOST:PORT with Tls:AllowPlaintext=true)");
        if (!options.AllowPlaintext && addresses.FirstOrDefault(ListenAddresses.IsPlaintext) is { } plaintext)
            return ValidateOptionsResult.Fail($"listen address {plaintext} is plaintext: use https://, or set "
                + "Tls:AllowPlaintext=true (development only: callers there are not authenticated)");
        if (!options.HasFiles && addresses.Any(a => !ListenAddresses.IsPlaintext(a)))
            return ValidateOptionsResult.Fail("Tls:CertificateFile, Tls:KeyFile and Tls:TrustedCaFile are required "
                + "to serve https:// (PEM files; make them with 'restorectl certs')");
        if (!options.HasFiles) return ValidateOptionsResult.Success;

        var missing = new[] { ("Tls:CertificateFile", options.CertificateFile), ("Tls:KeyFile", options.KeyFile),
            ("Tls:TrustedCaFile", options.TrustedCaFile) }.Where(s => string.IsNullOrWhiteSpace(s.Item2))
            .Select(s => s.Item1).ToList();
        if (missing.Count > 0)
            return ValidateOptionsResult.Fail($"{string.Join(", ", missing)} missing: the TLS files come as three");
        try
        {
            PemTlsFiles.Load(options.Files);
        }
        catch (Exception e) when (e is CertificateLoadException or IOException or UnauthorizedAccessException)
        {
            return ValidateOptionsResult.Fail($"Tls: {e.Message}");
        }
        return ValidateOptionsResult.Success;
    }
}
