namespace RestoreAgents.DataAgent.Destinations;

/// <summary>What a configured destination restores into (DataAgent:Destinations:NAME:Kind).</summary>
public enum DestinationKind
{
    /// <summary>Page blobs of a storage account: each restore creates its blob at the disk's size.</summary>
    PageBlobs,

    /// <summary>
    /// Azure managed disks by direct upload: each request brings the write SAS of one disk (what grant-access hands
    /// out); the disk exists at its final size and is never created, resized or deleted.
    /// </summary>
    ManagedDisk,
}
