namespace RestoreAgents.PseudoDisk;

/// <summary>What statfs (or Dokan's GetDiskFreeSpace) reports for the whole pseudo-disk.</summary>
/// <param name="TotalBytes">Sum of the disks' sizes.</param>
/// <param name="FreeBytes">Bytes a new file could still take (0 when files cannot be created).</param>
/// <param name="BlockSize">The unit sizes are reported in.</param>
/// <param name="MaxNameLength">The longest name in bytes (UTF-8).</param>
public readonly record struct PseudoDiskVolumeInfo(long TotalBytes, long FreeBytes, int BlockSize, int MaxNameLength);
