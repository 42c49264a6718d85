namespace RestoreAgents.Testing;

/// <summary>A real part of the machine a test needs; <see cref="RequiresAttribute"/> names it as a trait.</summary>
public enum RealPart
{
    /// <summary>A FUSE mount: /dev/fuse, libfuse3, fusermount3, and root to mount.</summary>
    Fuse,

    /// <summary>The repository's pinned Azurite (node_modules, from npm ci).</summary>
    Azurite,

    /// <summary>qemu-img (Debian package qemu-utils), to make test images or judge results.</summary>
    QemuImg,

    /// <summary>Root for something other than a FUSE mount.</summary>
    Root,
}
