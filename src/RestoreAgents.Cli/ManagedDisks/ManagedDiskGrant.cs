namespace RestoreAgents.Cli.ManagedDisks;

/// <summary>The write SAS grant-access handed out for a disk, and when it stops working. A secret: never shown.</summary>
public sealed record ManagedDiskGrant(string SasUrl, DateTimeOffset ExpiresOn)
{
    public override string ToString() => $"write SAS of the disk (hidden), valid until {ExpiresOn:u}";
}
