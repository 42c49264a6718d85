namespace RestoreAgents.Store;

public sealed class CopyNotFoundException(string copyName)
    : Exception($"copy '{copyName}' is not in the store")
{
    public string CopyName { get; } = copyName;
}

public sealed class CopyAlreadyExistsException(string copyName)
    : Exception($"copy '{copyName}' already exists in the store; choose another name")
{
    public string CopyName { get; } = copyName;
}

/// <summary>A chunk of a copy is missing or does not hash to its name: the copy cannot be restored past it.</summary>
public sealed class CorruptChunkException(string copyName, long offset, string chunkId, string reason)
    : Exception($"copy '{copyName}' is corrupt at disk offset {offset}: chunk {chunkId} {reason}")
{
    public string CopyName { get; } = copyName;
    public long Offset { get; } = offset;
    public string ChunkId { get; } = chunkId;
}

/// <summary>
/// A copy's manifest cannot be trusted (not JSON, or a field outside what a backup writes): the copy cannot be
/// described or restored. The message names the copy and the field, never the store's paths.
/// </summary>
public sealed class DamagedManifestException(string copyName, string field, string reason, Exception? inner = null)
    : Exception($"the manifest of copy '{copyName}' is damaged: {field} {reason}", inner)
{
    public string CopyName { get; } = copyName;
    public string Field { get; } = field;
}
