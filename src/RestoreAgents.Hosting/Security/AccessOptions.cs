namespace RestoreAgents.Hosting.Security;

/// <summary>Who may do what, bound from "Access": Access:Roles:ROLE is the list of identities (certificate CNs) in ROLE.</summary>
public sealed class AccessOptions
{
    public const string Section = "Access";

    public Dictionary<string, List<string>> Roles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The roles <paramref name="identity"/> holds; identities compare as DNS names do, ignoring case.</summary>
    public IEnumerable<string> RolesOf(string identity) =>
        Roles.Where(r => r.Value.Contains(identity, StringComparer.OrdinalIgnoreCase))
            .Select(r => AccessRoles.Canonical(r.Key)).Distinct(StringComparer.OrdinalIgnoreCase);
}
