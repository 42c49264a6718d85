namespace RestoreAgents.Store;

/// <summary>
/// The ranges a read of a copy may ask for: ascending, disjoint, not empty, inside the disk, and at most
/// <see cref="CopyLimits.MaxRanges"/>, so the store clips its blocks to them in one pass over both lists.
/// </summary>
internal static class ReadRanges
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the first range that breaks the rule.</summary>
    public static void Validate(IReadOnlyList<ByteRange> ranges, CopyManifest copy)
    {
        if (ranges.Count > CopyLimits.MaxRanges)
            throw new ArgumentException(
                $"the read of copy '{copy.Name}' names {ranges.Count} ranges, more than {CopyLimits.MaxRanges}");
        long previousEnd = 0;
        for (int i = 0; i < ranges.Count; i++)
        {
            var range = ranges[i];
            string? problem =
                range.Offset < 0 || range.Length <= 0 ? "is empty or negative"
                : range.Offset > copy.DiskSize || range.Length > copy.DiskSize - range.Offset
                    ? $"ends beyond the disk's {copy.DiskSize} bytes"
                : range.Offset < previousEnd ? $"starts before the end of the range before it ({previousEnd}): "
                    + "ranges must be ascending and disjoint"
                : null;
            if (problem is not null)
                throw new ArgumentException($"range {i} (offset {range.Offset}, length {range.Length}) of the read "
                    + $"of copy '{copy.Name}' {problem}");
            previousEnd = range.End;
        }
    }
}
