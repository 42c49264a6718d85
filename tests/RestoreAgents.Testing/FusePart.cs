namespace RestoreAgents.Testing;

/// <summary>A part of the machine a FUSE mount needs, which <see cref="HostWithout"/> can hide from one process.</summary>
public enum FusePart
{
    /// <summary>The device /dev/fuse (the fuse kernel module).</summary>
    Device,

    /// <summary>The library libfuse3.so.3 (Debian package libfuse3-3).</summary>
    Library,
}
