using RestoreAgents.Caching;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.Journal;

/// <summary>
/// The bytes of a copy a resumed job keeps (its blob holds their pages): the ranges the stream does not ask for
/// again, and how many of the copy's allocated bytes they hold.
/// </summary>
internal sealed record KeptBytes(IReadOnlyList<LongRange> Ranges, long AllocatedBytes)
{
    public static KeptBytes Of(RangeSet keptPages, int pageSize, long diskSize, IEnumerable<Extent> allocated)
    {
        var ranges = new RangeSet();
        for (int i = 0; i < keptPages.Count; i++)
        {
            long start = keptPages[i].Start * pageSize, end = Math.Min(keptPages[i].End * pageSize, diskSize);
            if (start < end) ranges.Add(start, end);
        }
        long allocatedKept = allocated.Sum(e => ranges.OverlapLength((long)e.Offset, (long)(e.Offset + e.Length)));
        return new KeptBytes([.. Enumerable.Range(0, ranges.Count).Select(i => ranges[i])], allocatedKept);
    }
}
