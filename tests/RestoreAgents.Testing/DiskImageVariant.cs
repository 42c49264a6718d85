namespace RestoreAgents.Testing;

/// <summary>
/// One format and variant of a test disk image, made from a raw disk by qemu-img (or, where qemu-img cannot make
/// it, by a test-side writer): the name of the case, the SourceFormat a backup should report, and whether the
/// format maps allocation, so that reading it costs about its data, not its virtual size (qemu-img marks the
/// zero blocks of even a fixed VHDX as zero in its BAT).
/// </summary>
public sealed record DiskImageVariant(string Name, string Format, bool MapsAllocation)
{
    public override string ToString() => Name;
}
