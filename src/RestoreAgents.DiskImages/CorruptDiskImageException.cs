namespace RestoreAgents.DiskImages;

/// <summary>An image whose own structures are damaged, cut short or contradict each other.</summary>
public sealed class CorruptDiskImageException(string imagePath, long? offset, string problem)
    : DiskImageException(imagePath, offset, $"disk image '{imagePath}' is damaged{At(offset)}: {problem}");
