using FsCheck;
using FsCheck.Fluent;

namespace RestoreAgents.Caching.Tests;

/// <summary>
/// A disk cut into pieces at random (from <see cref="Seed"/>), shared out among writer threads that write or
/// declare-zero their pieces in a random order while another thread flushes now and then.
/// </summary>
public sealed record ConcurrentScenario(int PageSize, int Slots, long DiskSize, int Writers, int Seed)
{
    public List<(long Offset, int Length, bool Zero)>[] Assignments()
    {
        var random = new Random(Seed);
        var writers = Enumerable.Range(0, Writers).Select(_ => new List<(long, int, bool)>()).ToArray();
        for (long offset = 0; offset < DiskSize;)
        {
            int length = (int)Math.Min(random.Next(1, 2 * PageSize), DiskSize - offset);
            // Declared zeros come whole sectors, as a restore declares holes.
            bool zero = offset % 512 == 0 && length % 512 == 0 && random.Next(5) == 0;
            writers[random.Next(Writers)].Add((offset, length, zero));
            offset += length;
        }
        foreach (var pieces in writers) random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pieces));
        return writers;
    }
}

public static class ConcurrentScenarios
{
    public static Arbitrary<ConcurrentScenario> Scenarios() => Arb.From(
        from pageSize in Gen.Elements(512, 1536, 4096)
        from slots in Gen.Choose(1, 4)
        from pages in Gen.Choose(1, 24)
        from extraSectors in Gen.Choose(0, pageSize / 512 - 1)
        from writers in Gen.Choose(2, 6)
        from seed in Gen.Choose(0, int.MaxValue - 1)
        select new ConcurrentScenario(pageSize, slots, (long)pages * pageSize + extraSectors * 512, writers, seed));
}
