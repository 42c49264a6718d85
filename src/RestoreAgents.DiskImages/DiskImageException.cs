namespace RestoreAgents.DiskImages;

/// <summary>A disk image that cannot be backed up: names the file and, where one applies, the offset in it.</summary>
public abstract class DiskImageException : Exception
{
    private protected DiskImageException(string imagePath, long? offset, string message) : base(message)
    {
        ImagePath = imagePath;
        Offset = offset;
    }

    /// <summary>The file at fault: the image itself, or a parent, backing or extent file it names.</summary>
    public string ImagePath { get; }

    /// <summary>Where in that file the fault is, when it is at one place.</summary>
    public long? Offset { get; }

    private protected static string At(long? offset) => offset is { } at ? $" at offset {at}" : "";
}
