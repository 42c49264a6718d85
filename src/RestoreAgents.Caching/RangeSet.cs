using System.Runtime.InteropServices;

namespace RestoreAgents.Caching;

/// <summary>
/// A set of half-open ranges kept sorted and merged (touching ranges join), so "is this page full?" is one
/// binary search. Used for the bytes of a page, the zero ranges of a disk, and sets of page numbers.
/// Also what a restore job has received of its copy (a shape a job journal can keep). Not thread-safe: its owner
/// guards it (the page cache with its lock).
/// </summary>
public sealed class RangeSet
{
    private readonly List<LongRange> _ranges = [];

    public int Count => _ranges.Count;

    public LongRange this[int index] => _ranges[index];

    public void Clear() => _ranges.Clear();

    public void CopyFrom(RangeSet other)
    {
        _ranges.Clear();
        _ranges.AddRange(other._ranges);
    }

    /// <summary>Index of the first range whose end is at or after <paramref name="position"/>.</summary>
    public int FirstEndingAtOrAfter(long position)
    {
        var ranges = CollectionsMarshal.AsSpan(_ranges);
        int low = 0, high = ranges.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (ranges[middle].End < position) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    public void Add(long start, long end)
    {
        if (start >= end) return;
        int first = FirstEndingAtOrAfter(start);
        int last = first;
        while (last < _ranges.Count && _ranges[last].Start <= end)
        {
            start = Math.Min(start, _ranges[last].Start);
            end = Math.Max(end, _ranges[last].End);
            last++;
        }
        if (last == first)
        {
            _ranges.Insert(first, new LongRange(start, end));
            return;
        }
        _ranges[first] = new LongRange(start, end);
        if (last - first > 1) _ranges.RemoveRange(first + 1, last - first - 1);
    }

    public void Remove(long start, long end)
    {
        if (start >= end) return;
        int first = FirstEndingAtOrAfter(start + 1);
        int last = first;
        while (last < _ranges.Count && _ranges[last].Start < end) last++;
        if (last == first) return;
        var head = _ranges[first];
        var tail = _ranges[last - 1];
        _ranges.RemoveRange(first, last - first);
        if (tail.End > end) _ranges.Insert(first, new LongRange(end, tail.End));
        if (head.Start < start) _ranges.Insert(first, new LongRange(head.Start, start));
    }

    /// <summary>True when every position of [start, end) is in the set (merged ranges make that one range).</summary>
    public bool Covers(long start, long end)
    {
        if (start >= end) return true;
        int index = FirstEndingAtOrAfter(start + 1);
        return index < _ranges.Count && _ranges[index].Start <= start && _ranges[index].End >= end;
    }

    public bool Contains(long value) => Covers(value, value + 1);

    /// <summary>How many positions of [start, end) are in the set.</summary>
    public long OverlapLength(long start, long end)
    {
        long total = 0;
        for (int i = FirstEndingAtOrAfter(start + 1); i < _ranges.Count && _ranges[i].Start < end; i++)
            total += Math.Min(end, _ranges[i].End) - Math.Max(start, _ranges[i].Start);
        return total;
    }

    /// <summary>Adds the parts of <paramref name="source"/> inside [start, end), moved down by start.</summary>
    public void AddOverlapping(RangeSet source, long start, long end)
    {
        for (int i = source.FirstEndingAtOrAfter(start + 1); i < source.Count && source[i].Start < end; i++)
            Add(Math.Max(start, source[i].Start) - start, Math.Min(end, source[i].End) - start);
    }

    /// <summary>How many ranges overlap [start, end).</summary>
    public int CountOverlapping(long start, long end)
    {
        int first = FirstEndingAtOrAfter(start + 1);
        int last = first;
        while (last < _ranges.Count && _ranges[last].Start < end) last++;
        return last - first;
    }

    /// <summary>Copies the ranges overlapping [start, end), clipped to it, into destination; returns how many.</summary>
    public int CopyOverlapping(long start, long end, Span<LongRange> destination)
    {
        int count = 0;
        for (int i = FirstEndingAtOrAfter(start + 1); i < _ranges.Count && _ranges[i].Start < end; i++)
            destination[count++] = new LongRange(Math.Max(start, _ranges[i].Start), Math.Min(end, _ranges[i].End));
        return count;
    }
}
