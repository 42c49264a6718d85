namespace RestoreAgents.DataAgent;

/// <summary>How a job's blocks reach the page cache (DataAgent:PseudoDisk).</summary>
public enum PseudoDiskMode
{
    /// <summary>Through a file of the FUSE pseudo-disk, so the kernel carries them.</summary>
    Fuse,

    /// <summary>Straight into the page cache, for hosts without FUSE.</summary>
    Direct,
}
