using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace RestoreAgents.Caching.Tests;

public sealed class RangeSetTests
{
    [Fact]
    public void RangeSet_MergesOverlappingAndTouchingRanges()
    {
        var set = new RangeSet();
        set.Add(10, 20);
        set.Add(30, 40);
        set.Add(20, 30);
        set.Add(50, 60);
        set.Add(5, 12);

        Assert.Equal(2, set.Count);
        Assert.Equal(new LongRange(5, 40), set[0]);
        Assert.True(set.Covers(5, 40));
        Assert.False(set.Covers(5, 41));
        Assert.False(set.Contains(45));
        Assert.Equal(40, set.OverlapLength(0, 55));
    }

    [Fact]
    public void RangeSet_RemoveSplitsARange()
    {
        var set = new RangeSet();
        set.Add(0, 100);
        set.Remove(40, 60);

        Assert.Equal([new LongRange(0, 40), new LongRange(60, 100)], Enumerable.Range(0, set.Count).Select(i => set[i]));
    }

    public static class Operations
    {
        public static Arbitrary<(bool Add, int Start, int Length)[]> Ops() =>
            Arb.From(Gen.ArrayOf(
                from add in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
                from start in Gen.Choose(0, 120)
                from length in Gen.Choose(0, 40)
                select (add, start, length)));
    }

    [Property(Arbitrary = new[] { typeof(Operations) }, MaxTest = 500)]
    public bool RangeSet_AgreesWithABoolArray((bool Add, int Start, int Length)[] operations)
    {
        var set = new RangeSet();
        var reference = new bool[200];
        foreach (var (add, start, length) in operations)
        {
            if (add) set.Add(start, start + length);
            else set.Remove(start, start + length);
            reference.AsSpan(start, length).Fill(add);
        }

        for (int i = 1; i < set.Count; i++)
            if (set[i - 1].End >= set[i].Start) return false; // sorted, disjoint, not touching
        for (int start = 0; start < 160; start += 7)
        {
            for (int end = start; end < start + 40; end += 3)
            {
                bool covered = reference.AsSpan(start, end - start).IndexOf(false) < 0;
                if (set.Covers(start, end) != covered) return false;
                if (set.OverlapLength(start, end) != reference.AsSpan(start, end - start).Count(true)) return false;
            }
        }
        return true;
    }
}
