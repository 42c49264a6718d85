namespace RestoreAgents.Hosting.Security;

/// <summary>How an audited call ended: let through and done, refused by policy, or let through and failed.</summary>
public enum AuditOutcome
{
    Allowed,
    Denied,
    Failed,
}
