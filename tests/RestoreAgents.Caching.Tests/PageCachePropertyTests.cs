using FsCheck.Xunit;

namespace RestoreAgents.Caching.Tests;

public sealed class PageCachePropertyTests
{
    /// <summary>
    /// Whatever the order, size, alignment and overlap of writes, declared zeros and flushes, after the final flush
    /// the store equals a plain byte array that took the same writes, and the cache file stayed within capacity.
    /// </summary>
    [Property(Arbitrary = new[] { typeof(CacheScenarios) }, MaxTest = 300)]
    public async Task PageCache_AnySequenceOfWrites_LeavesTheStoreEqualToAReferenceArray(CacheScenario scenario)
    {
        await using var test = new CacheUnderTest(scenario.PageSize, scenario.Slots, scenario.DiskSize);
        foreach (var op in scenario.Operations)
        {
            switch (op.Kind)
            {
                case CacheOperationKind.Write:
                    await test.WriteAsync(op.Offset, TestBytes.NonZero(op.Length, op.Seed));
                    break;
                case CacheOperationKind.WriteZeros:
                    await test.WriteAsync(op.Offset, new byte[op.Length]);
                    break;
                case CacheOperationKind.DeclareZero:
                    // Holes are declared by sector, as a restore does; declaring never changes bytes.
                    long start = op.Offset / 512 * 512;
                    long end = Math.Min(scenario.DiskSize, (op.Offset + op.Length + 511) / 512 * 512);
                    test.Cache.DeclareZero(start, end - start);
                    break;
                case CacheOperationKind.Flush:
                    await test.Cache.FlushAsync();
                    break;
                case CacheOperationKind.ReadBack:
                    var buffer = new byte[op.Length];
                    Assert.Equal(op.Length, await test.Cache.ReadAsync(op.Offset, buffer));
                    Assert.Equal(test.Expected.AsSpan((int)op.Offset, op.Length).ToArray(), buffer);
                    break;
            }
        }

        await test.Cache.FlushAsync();

        test.AssertStoreHoldsExpected();
        var whole = new byte[scenario.DiskSize];
        Assert.Equal((int)scenario.DiskSize, await test.Cache.ReadAsync(0, whole));
        Assert.Equal(test.Expected, whole);
        Assert.True(test.FolderBytes() <= test.Options.CapacityBytes);
        Assert.Equal(0, test.Cache.Statistics.SlotsInUse);
    }

    /// <summary>
    /// Writers on several threads (blocking and async) fill disjoint pieces of the disk in any order while flushes
    /// run alongside: the store ends equal to the reference however the threads interleave.
    /// </summary>
    [Property(Arbitrary = new[] { typeof(ConcurrentScenarios) }, MaxTest = 60)]
    public async Task PageCache_ConcurrentWritersOfDisjointPieces_LeaveTheStoreEqualToTheReference(ConcurrentScenario scenario)
    {
        await using var test = new CacheUnderTest(scenario.PageSize, scenario.Slots, scenario.DiskSize);
        var reference = TestBytes.NonZero((int)scenario.DiskSize, scenario.Seed);
        var assignments = scenario.Assignments();
        foreach (var (offset, length, _) in assignments.SelectMany(a => a).Where(p => p.Zero))
            reference.AsSpan((int)offset, length).Clear();

        var writers = assignments.Select((pieces, index) => index % 2 == 0
            ? Task.Factory.StartNew(() =>
            {
                foreach (var (offset, length, zero) in pieces)
                {
                    if (zero) test.Cache.DeclareZero(offset, length);
                    else test.Cache.Write(offset, reference.AsSpan((int)offset, length));
                }
            }, TaskCreationOptions.LongRunning) // a thread of its own, as FUSE calls come on native threads
            : Task.Run(async () =>
            {
                foreach (var (offset, length, zero) in pieces)
                {
                    if (zero) test.Cache.DeclareZero(offset, length);
                    else await test.Cache.WriteAsync(offset, reference.AsMemory((int)offset, length));
                }
            })).ToList();
        var flusher = Task.Run(async () =>
        {
            for (int i = 0; i < 3; i++) await test.Cache.FlushAsync();
        });
        await Task.WhenAll(writers.Append(flusher)).WaitAsync(HangGuard.Timeout);
        await test.Cache.FlushAsync();

        Assert.Equal(reference, test.Store.Contents());
        Assert.Equal(0, test.Cache.Statistics.SlotsInUse);
    }
}
