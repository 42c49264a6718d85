using RestoreAgents.Store;

namespace RestoreAgents.Bench.Worker;

internal static class DiskHoles
{
    /// <summary>The ranges of [0, <paramref name="dataSize"/>) outside the sorted data extents.</summary>
    public static IEnumerable<ByteRange> Between(IReadOnlyList<ByteRange> extents, long dataSize)
    {
        long position = 0;
        foreach (var extent in extents)
        {
            if (extent.Offset > position) yield return new ByteRange(position, extent.Offset - position);
            position = Math.Max(position, extent.End);
        }
        if (position < dataSize) yield return new ByteRange(position, dataSize - position);
    }
}
