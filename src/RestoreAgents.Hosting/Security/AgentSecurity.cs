using System.Security.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RestoreAgents.Security;

namespace RestoreAgents.Hosting.Security;

/// <summary>
/// Mutual TLS, authentication and authorization of an agent's host: Kestrel serves https with the certificate of
/// Tls:* and demands client certificates from the configured CAs; ASP.NET Core certificate authentication turns a
/// caller's certificate into an identity and the roles Access:Roles gives it; <see cref="AccessPolicies"/> decide;
/// refusals and audited calls go to <see cref="AuditLog"/>.
/// </summary>
public static class AgentSecurity
{
    private const string AgentScheme = "Agent";

    public static void Add(WebApplicationBuilder builder, IReadOnlyCollection<string> roles)
    {
        var services = builder.Services;
        var tls = builder.Configuration.GetSection(TlsOptions.Section).Get<TlsOptions>() ?? new TlsOptions();
        services.AddOptions<TlsOptions>().BindConfiguration(TlsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TlsOptions>, TlsOptionsValidator>();
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AccessOptions>>(new AccessOptionsValidator(roles));
        services.AddSingleton(new AgentRoles(roles));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<PeerCertificateValidator>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
        services.AddAuthorization(AccessPolicies.Add);

        var authentication = services.AddAuthentication(tls.AllowPlaintext ? AgentScheme : CertificateAuthenticationDefaults.AuthenticationScheme);
        if (tls.HasFiles) AddCertificates(builder, authentication);
        if (tls.AllowPlaintext)
        {
            authentication.AddScheme<AuthenticationSchemeOptions, PlaintextAuthenticationHandler>(
                PlaintextAuthenticationHandler.SchemeName, null);
            authentication.AddPolicyScheme(AgentScheme, "certificate, or plaintext in development", options =>
                options.ForwardDefaultSelector = context => context.Request.IsHttps
                    ? CertificateAuthenticationDefaults.AuthenticationScheme
                    : PlaintextAuthenticationHandler.SchemeName);
        }
    }

    /// <summary>Logs how the agent is secured, once, and loudly when plaintext is allowed.</summary>
    public static void AnnounceAtStart(WebApplication app)
    {
        var tls = app.Services.GetRequiredService<IOptions<TlsOptions>>().Value;
        var access = app.Services.GetRequiredService<IOptions<AccessOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(AuditLog.Category);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (app.Services.GetService<CertificateSource>() is { } source)
                logger.LogInformation("TLS: presenting {Certificate}, trusting the CA(s) of {CaFile}; client "
                    + "certificates required", source.Current, tls.TrustedCaFile);
            foreach (var (role, identities) in access.Roles)
                logger.LogInformation("Access: role {Role} = {Identities}", role, string.Join(", ", identities));
            if (tls.AllowPlaintext)
                logger.LogWarning("WARNING: Tls:AllowPlaintext is true: http:// addresses serve without TLS, and "
                    + "callers there are not authenticated and may do anything. Development only.");
        });
    }

    private static void AddCertificates(WebApplicationBuilder builder, AuthenticationBuilder authentication)
    {
        var services = builder.Services;
        services.AddSingleton(provider =>
        {
            var files = provider.GetRequiredService<IOptions<TlsOptions>>().Value.Files;
            var source = new CertificateSource(files,
                provider.GetRequiredService<ILoggerFactory>().CreateLogger(AuditLog.Category));
            // A new CA bundle must reach certificate authentication too: drop its cached options.
            var cache = provider.GetRequiredService<IOptionsMonitorCache<CertificateAuthenticationOptions>>();
            source.Reloaded += _ => cache.TryRemove(CertificateAuthenticationDefaults.AuthenticationScheme);
            return source;
        });
        services.AddSingleton<ClientCertificateCheck>();

        authentication.AddCertificate(options =>
        {
            options.AllowedCertificateTypes = CertificateTypes.Chained;
            options.ChainTrustValidationMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            options.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            options.ValidateCertificateUse = true;
            options.ValidateValidityPeriod = true;
            options.Events = new CertificateAuthenticationEvents { OnCertificateValidated = OnValidated };
        });
        services.AddOptions<CertificateAuthenticationOptions>(CertificateAuthenticationDefaults.AuthenticationScheme)
            .Configure<CertificateSource>((options, source) => options.CustomTrustStore = source.Current.TrustedRoots);

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            var source = kestrel.ApplicationServices.GetRequiredService<CertificateSource>();
            var check = kestrel.ApplicationServices.GetRequiredService<ClientCertificateCheck>();
            // Kestrel wants a certificate or a selector up front; each connection gets the current one below.
            https.ServerCertificateSelector = (_, _) => source.Current.Certificate;
            https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
            https.OnAuthenticate = check.Apply;
        }));
    }

    private static Task OnValidated(CertificateValidatedContext context)
    {
        var access = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<AccessOptions>>().CurrentValue;
        var identity = PeerIdentity.Of(context.ClientCertificate);
        context.Principal = CallerClaims.Principal(identity, context.ClientCertificate.Thumbprint,
            access.RolesOf(identity), context.Scheme.Name);
        context.Success();
        return Task.CompletedTask;
    }
}
