using Microsoft.AspNetCore.Authorization;

namespace RestoreAgents.Hosting.Security;

/// <summary>The authorization policies of both agents' gRPC services: one place says which role may call what.</summary>
public static class AccessPolicies
{
    /// <summary>Media agent: ListCopies, DescribeCopy.</summary>
    public const string CopiesRead = "CopiesRead";

    /// <summary>Media agent: StreamBlocks, the copy's data itself.</summary>
    public const string CopiesStream = "CopiesStream";

    /// <summary>Data agent: StartRestore, CancelRestore, ResumeRestore, DiscardRestore.</summary>
    public const string RestoresOperate = "RestoresOperate";

    /// <summary>Data agent: WatchRestore, ListRestores.</summary>
    public const string RestoresView = "RestoresView";

    internal static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(CopiesRead, p => p.RequireAuthenticatedUser().RequireRole(AccessRoles.DataAgent, AccessRoles.Viewer));
        options.AddPolicy(CopiesStream, p => p.RequireAuthenticatedUser().RequireRole(AccessRoles.DataAgent));
        options.AddPolicy(RestoresOperate, p => p.RequireAuthenticatedUser().RequireRole(AccessRoles.Operator));
        options.AddPolicy(RestoresView, p => p.RequireAuthenticatedUser().RequireRole(AccessRoles.Operator, AccessRoles.Viewer));
        // Anything without a policy of its own (health, reflection) still needs an authenticated caller.
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
    }
}
