using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace RestoreAgents.Caching.Tests;

public enum CacheOperationKind
{
    Write,
    WriteZeros,
    DeclareZero,
    Flush,
    ReadBack,
}

public sealed record CacheOperation(CacheOperationKind Kind, long Offset, int Length, int Seed);

/// <summary>A random disk, cache shape and sequence of operations for the property tests.</summary>
public sealed record CacheScenario(int PageSize, int Slots, long DiskSize, IReadOnlyList<CacheOperation> Operations)
{
    public override string ToString()
    {
        var text = new StringBuilder($"page {PageSize}, {Slots} slots, disk {DiskSize}:");
        foreach (var op in Operations) text.Append($" {op.Kind}({op.Offset},{op.Length})");
        return text.ToString();
    }
}

/// <summary>FsCheck generators: registered through [Property(Arbitrary = ...)].</summary>
public static class CacheScenarios
{
    public static Arbitrary<CacheScenario> Scenarios() => Arb.From(Scenario());

    private static Gen<CacheScenario> Scenario() =>
        from pageSize in Gen.Elements(4096, 1536, 1024)
        from slots in Gen.Choose(1, 4)
        from pages in Gen.Choose(1, 12)
        from extraSectors in Gen.Choose(0, pageSize / 512 - 1)
        let diskSize = (long)pages * pageSize + extraSectors * 512
        from operations in Gen.ListOf(Operation(pageSize, diskSize))
        select new CacheScenario(pageSize, slots, diskSize, operations);

    private static Gen<CacheOperation> Operation(int pageSize, long diskSize) =>
        from kind in Gen.Frequency(
            (60, Gen.Constant(CacheOperationKind.Write)),
            (6, Gen.Constant(CacheOperationKind.WriteZeros)),
            (18, Gen.Constant(CacheOperationKind.DeclareZero)),
            (6, Gen.Constant(CacheOperationKind.Flush)),
            (10, Gen.Constant(CacheOperationKind.ReadBack)))
        from offset in Gen.Choose(0, (int)diskSize - 1)
        from length in Gen.Choose(1, (int)Math.Min(3L * pageSize, diskSize - offset))
        from seed in Gen.Choose(0, int.MaxValue - 1)
        select new CacheOperation(kind, offset, length, seed);
}
