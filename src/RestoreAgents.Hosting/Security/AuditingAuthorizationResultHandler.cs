using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace RestoreAgents.Hosting.Security;

/// <summary>Every call the authorization policies refuse gets its audit line, then the standard 401/403 answer.</summary>
internal sealed class AuditingAuthorizationResultHandler(AuditLog audit) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _standard = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy,
        PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden || authorizeResult.Challenged)
        {
            var roles = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles);
            var why = authorizeResult.Challenged
                ? "not authenticated"
                : $"needs role {string.Join(" or ", roles)}";
            audit.Write(context.User, context.Request.Path, AuditOutcome.Denied, why);
        }
        return _standard.HandleAsync(next, context, policy, authorizeResult);
    }
}
