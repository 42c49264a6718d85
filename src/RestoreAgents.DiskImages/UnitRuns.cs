namespace RestoreAgents.DiskImages;

/// <summary>Splits a stretch of a block into runs of units (sectors, subclusters) that share one state.</summary>
internal static class UnitRuns
{
    /// <summary>From <paramref name="within"/> (bytes into the block), at most <paramref name="length"/> bytes: the
    /// state of the first unit, and how many bytes the following units keep it.</summary>
    public static (int State, long Length) Measure<TSource>(long within, long length, long unit, TSource source,
        Func<TSource, long, int> stateOf)
    {
        var state = stateOf(source, within / unit);
        var end = (within / unit + 1) * unit;
        while (end < within + length && stateOf(source, end / unit) == state) end += unit;
        return (state, Math.Min(end, within + length) - within);
    }
}
