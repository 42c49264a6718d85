namespace RestoreAgents.Testing;

/// <summary>
/// One format and variant of a test disk image, made from a raw disk by qemu-img (or, where qemu-img cannot make
/// it, by a test-side writer): the name of the case, the SourceFormat a backup should report, and whether the
/// format maps allocation (so reading it should cost about its data, not its virtual size).
/// </summary>
public sealed record DiskImageVariant(string Name, string Format, bool Sparse)
{
    public override string ToString() => Name;
}
