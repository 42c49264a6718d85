using RestoreAgents.Cloud.ManagedDisks;

namespace RestoreAgents.DataAgent.ManagedDisks;

/// <summary>
/// A restore into a managed disk: what the request's SAS grants (no signature), and the expiry the controller
/// stated for a SAS whose stored access policy hides it (grant-access's SAS carries si=, not se=).
/// </summary>
internal sealed record ManagedDiskTarget(BlobSasGrant Grant, DateTimeOffset? StatedExpiry)
{
    /// <summary>When the SAS stops working: its se=, else what the controller stated; null when neither says.</summary>
    public DateTimeOffset? ExpiresOn => Grant.ExpiresOn ?? StatedExpiry;
}
