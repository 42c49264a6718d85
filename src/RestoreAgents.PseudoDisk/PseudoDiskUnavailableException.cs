namespace RestoreAgents.PseudoDisk;

/// <summary>This host cannot mount the pseudo-disk: a part FUSE needs is missing.</summary>
public sealed class PseudoDiskUnavailableException : Exception
{
    public PseudoDiskUnavailableException(IReadOnlyList<string> missingParts)
        : base($"the FUSE pseudo-disk cannot be mounted: {string.Join("; ", missingParts)}. "
            + "Install the Debian packages fuse3 and libfuse3-3 (apt-get install fuse3 libfuse3-3), make sure "
            + "/dev/fuse exists (modprobe fuse; in a container pass --device /dev/fuse), or restore without FUSE")
    {
        MissingParts = missingParts;
    }

    /// <summary>A reason no package fixes (an unchecked platform), in <paramref name="message"/>'s own words.</summary>
    internal PseudoDiskUnavailableException(string message, IReadOnlyList<string> missingParts) : base(message)
    {
        MissingParts = missingParts;
    }

    public IReadOnlyList<string> MissingParts { get; }
}
