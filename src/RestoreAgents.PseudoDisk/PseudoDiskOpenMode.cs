namespace RestoreAgents.PseudoDisk;

/// <summary>How a file is opened: for reading, writing or both, and whether the caller asked to truncate it.</summary>
[Flags]
public enum PseudoDiskOpenMode
{
    Read = 1,
    Write = 2,
    ReadWrite = Read | Write,

    /// <summary>O_TRUNC (or Dokan's TRUNCATE_EXISTING): a disk keeps its size, as a block device does.</summary>
    Truncate = 4,
}
