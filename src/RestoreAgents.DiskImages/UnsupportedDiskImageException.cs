namespace RestoreAgents.DiskImages;

/// <summary>An image in a format, variant or size the backup does not read.</summary>
public sealed class UnsupportedDiskImageException(string imagePath, long? offset, string reason)
    : DiskImageException(imagePath, offset, $"disk image '{imagePath}' cannot be backed up{At(offset)}: {reason}");
