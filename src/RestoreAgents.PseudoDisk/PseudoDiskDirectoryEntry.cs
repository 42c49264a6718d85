namespace RestoreAgents.PseudoDisk;

/// <summary>One name in a folder listing, with what it is (so a listing needs no lookup per name).</summary>
public readonly record struct PseudoDiskDirectoryEntry(string Name, PseudoDiskNode Node);
