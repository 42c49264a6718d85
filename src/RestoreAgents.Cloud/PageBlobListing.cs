namespace RestoreAgents.Cloud;

/// <summary>A page blob found in a container: its name and its size in bytes.</summary>
public readonly record struct PageBlobListing(string Name, long Size);
