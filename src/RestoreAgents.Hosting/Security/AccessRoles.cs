namespace RestoreAgents.Hosting.Security;

/// <summary>The roles of Access:Roles, as configuration names them.</summary>
public static class AccessRoles
{
    /// <summary>Data agent: starts and cancels restores (and watches them).</summary>
    public const string Operator = "operator";

    /// <summary>Either agent: lists and watches, changes nothing.</summary>
    public const string Viewer = "viewer";

    /// <summary>Media agent: a data agent, which alone may stream a copy's blocks.</summary>
    public const string DataAgent = "data-agent";

    public static readonly IReadOnlyCollection<string> OfDataAgent = [Operator, Viewer];
    public static readonly IReadOnlyCollection<string> OfMediaAgent = [DataAgent, Viewer];

    /// <summary>
    /// A role's name as configuration may spell it: environment variable names (systemd's EnvironmentFile=) cannot
    /// hold "-", so Access__Roles__data_agent__0 means data-agent.
    /// </summary>
    public static string Canonical(string role) => role.Replace('_', '-').ToLowerInvariant();
}
