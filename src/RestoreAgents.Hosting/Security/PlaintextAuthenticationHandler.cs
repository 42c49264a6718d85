using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RestoreAgents.Hosting.Security;

/// <summary>
/// Development only (Tls:AllowPlaintext): a caller on a plaintext connection proves nothing, so it is "anonymous"
/// with every role of the agent. The agent says so at start; the audit log still names each call.
/// </summary>
internal sealed class PlaintextAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger, UrlEncoder encoder, AgentRoles roles)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Plaintext";
    public const string Identity = "anonymous";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.IsHttps) return Task.FromResult(AuthenticateResult.NoResult());
        var principal = CallerClaims.Principal(Identity, "plaintext", roles.Names, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
