using System.Security.Claims;

namespace RestoreAgents.Hosting.Security;

/// <summary>The claims an agent gives its callers: the identity (Name), how it was proven, and the roles (Role).</summary>
public static class CallerClaims
{
    /// <summary>The certificate's thumbprint, or "plaintext" for a development caller without TLS.</summary>
    public const string Credential = "restoreagents:credential";

    public static ClaimsPrincipal Principal(string identity, string credential, IEnumerable<string> roles,
        string scheme)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, identity), new(Credential, credential) };
        claims.AddRange(roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The caller's identity as the audit log names it.</summary>
    public static string IdentityOf(ClaimsPrincipal? caller) =>
        caller?.Identity is { IsAuthenticated: true, Name: { } name } ? name : "anonymous";

    public static string CredentialOf(ClaimsPrincipal? caller) =>
        caller?.FindFirst(Credential)?.Value ?? "no credential";
}
