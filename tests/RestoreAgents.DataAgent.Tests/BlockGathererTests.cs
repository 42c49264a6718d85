using RestoreAgents.DataAgent.Disks;
using RestoreAgents.Testing;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>
/// The media agent's 64 KiB pieces gathered into writes of up to 1 MiB, one write in flight while the next
/// fills, and whatever is left written at the flush.
/// </summary>
public sealed class BlockGathererTests
{
    private const int KiB = 1024;
    private const int MiB = 1024 * 1024;
    private const int Piece = 64 * KiB;

    [Fact]
    public async Task WriteAsync_Gathers16Contiguous64KiBPieces_IntoOne1MiBWrite()
    {
        var source = TestBytes.NonZero(MiB, seed: 1);
        var writes = await GatherAsync(gatherer => WritePiecesAsync(gatherer, source, offset: 0, Piece));

        Assert.Equal([(0L, MiB)], writes.Extents);
        Assert.Equal(source, writes.Writes[0].Data);
    }

    [Fact]
    public async Task WriteAsync_HoldsAPartialWrite_UntilFlushAsyncWritesIt()
    {
        var source = TestBytes.NonZero(3 * Piece, seed: 2);
        var writes = new RecordingWrites();
        await using var gatherer = new BlockGatherer(writes.WriteAsync);

        await WritePiecesAsync(gatherer, source, offset: 5 * MiB, Piece);
        Assert.Empty(writes.Writes);
        await gatherer.FlushAsync(CancellationToken.None);

        Assert.Equal([(5L * MiB, 3 * Piece)], writes.Extents);
        Assert.Equal(source, writes.Writes[0].Data);
    }

    [Fact]
    public async Task WriteAsync_FillsWritesWithWholePieces_AtUnalignedOffsets()
    {
        // 20 pieces of 70,000 bytes from offset 1000: 14 fit in 1 MiB (980,000 bytes), the 15th starts the next write.
        var source = TestBytes.NonZero(20 * 70_000, seed: 3);
        var writes = await GatherAsync(gatherer => WritePiecesAsync(gatherer, source, offset: 1000, 70_000));

        Assert.Equal([(1000L, 980_000), (981_000L, 420_000)], writes.Extents);
        Assert.Equal(source, writes.Disk(1000 + source.Length)[1000..]);
    }

    [Fact]
    public async Task WriteAsync_StartsANewWrite_WherePiecesAreNotContiguous()
    {
        var first = TestBytes.NonZero(Piece, seed: 4);
        var second = TestBytes.NonZero(Piece, seed: 5);
        var writes = await GatherAsync(async gatherer =>
        {
            await gatherer.WriteAsync(0, first, CancellationToken.None);
            await gatherer.WriteAsync(3 * Piece + 512, second, CancellationToken.None); // a hole of zeros between
        });

        Assert.Equal([(0L, Piece), (3L * Piece + 512, Piece)], writes.Extents);
        Assert.Equal(first, writes.Writes[0].Data);
        Assert.Equal(second, writes.Writes[1].Data);
    }

    [Fact]
    public async Task WriteAsync_WritesOutOfOrderPieces_EachAtItsOwnOffset()
    {
        var source = TestBytes.NonZero(4 * Piece, seed: 6);
        var writes = await GatherAsync(async gatherer =>
        {
            foreach (var index in new[] { 3, 2, 0, 1 })
                await gatherer.WriteAsync(index * Piece, source.AsMemory(index * Piece, Piece), CancellationToken.None);
        });

        // 0 then 1 are contiguous and go together; 3 and 2 each go alone.
        Assert.Equal([(3L * Piece, Piece), (2L * Piece, Piece), (0L, 2 * Piece)], writes.Extents);
        Assert.Equal(source, writes.Disk(source.Length));
    }

    [Fact]
    public async Task WriteAsync_PassesABlockOf1MiBOrMoreStraightThrough_AfterWhatWasGathered()
    {
        var small = TestBytes.NonZero(Piece, seed: 7);
        var large = TestBytes.NonZero(2 * MiB, seed: 8);
        var writes = await GatherAsync(async gatherer =>
        {
            await gatherer.WriteAsync(0, small, CancellationToken.None);
            await gatherer.WriteAsync(Piece, large, CancellationToken.None);
        });

        Assert.Equal([(0L, Piece), ((long)Piece, 2 * MiB)], writes.Extents);
        Assert.Equal(large, writes.Writes[1].Data);
    }

    [Fact]
    public async Task WriteAsync_KeepsOneWriteInFlight_AndFillsTheOtherBufferMeanwhile()
    {
        var source = TestBytes.NonZero(2 * MiB, seed: 9);
        var writes = new RecordingWrites(held: true);
        await using var gatherer = new BlockGatherer(writes.WriteAsync);

        // The first MiB goes out and is held; the second fills the other buffer without waiting...
        await WritePiecesAsync(gatherer, source.AsMemory(0, MiB + 15 * Piece), offset: 0, Piece);
        // ...until it is full and must wait for the write in flight.
        var last = gatherer.WriteAsync(MiB + 15 * Piece, source.AsMemory(MiB + 15 * Piece, Piece), CancellationToken.None);
        var didNotWait = last.IsCompleted;
        writes.Release(); // before any assertion: a failing test must not leave the gatherer's dispose waiting
        await last;
        Assert.False(didNotWait, "a second write started while the first was in flight");
        await gatherer.FlushAsync(CancellationToken.None);

        Assert.Equal([(0L, MiB), ((long)MiB, MiB)], writes.Extents);
        Assert.Equal(1, writes.MostAtOnce);
        Assert.Equal(source, writes.Disk(source.Length)); // the held write's buffer was not refilled under it
    }

    [Fact]
    public async Task FlushAsync_ThrowsTheFailureOfTheWriteInFlight()
    {
        var source = TestBytes.NonZero(MiB + Piece, seed: 10);
        var writes = new RecordingWrites { FailAt = (0, new IOException("No space left on device: cache page 0")) };
        await using var gatherer = new BlockGatherer(writes.WriteAsync);

        await WritePiecesAsync(gatherer, source, offset: 0, Piece); // the first MiB is sent and fails

        var error = await Assert.ThrowsAsync<IOException>(() => gatherer.FlushAsync(CancellationToken.None));
        Assert.Equal("No space left on device: cache page 0", error.Message);
    }

    [Fact]
    public async Task WriteAsync_ThrowsTheFailureOfAWriteItPassedStraightThrough()
    {
        var writes = new RecordingWrites { FailAt = (MiB, new IOException("refused at 1 MiB")) };
        await using var gatherer = new BlockGatherer(writes.WriteAsync);

        var error = await Assert.ThrowsAsync<IOException>(() =>
            gatherer.WriteAsync(MiB, TestBytes.NonZero(MiB, seed: 11), CancellationToken.None).AsTask());

        Assert.Equal("refused at 1 MiB", error.Message);
    }

    [Fact]
    public async Task DisposeAsync_WaitsForTheWriteInFlight_BeforeItGivesItsBufferBack()
    {
        var writes = new RecordingWrites(held: true);
        var gatherer = new BlockGatherer(writes.WriteAsync);
        await WritePiecesAsync(gatherer, TestBytes.NonZero(MiB, seed: 12), offset: 0, Piece);

        var disposing = gatherer.DisposeAsync().AsTask();
        var didNotWait = disposing.IsCompleted;
        writes.Release();
        await disposing;
        Assert.False(didNotWait, "the buffer of a running write went back to the pool");
        Assert.Single(writes.Writes);
    }

    /// <summary>Feeds a gatherer over recorded writes, flushes it, and returns the writes.</summary>
    private static async Task<RecordingWrites> GatherAsync(Func<BlockGatherer, Task> feed)
    {
        var writes = new RecordingWrites();
        await using var gatherer = new BlockGatherer(writes.WriteAsync);
        await feed(gatherer);
        await gatherer.FlushAsync(CancellationToken.None);
        return writes;
    }

    private static async Task WritePiecesAsync(BlockGatherer gatherer, ReadOnlyMemory<byte> source, long offset,
        int pieceSize)
    {
        for (int start = 0; start < source.Length; start += pieceSize)
        {
            var length = Math.Min(pieceSize, source.Length - start);
            await gatherer.WriteAsync(offset + start, source.Slice(start, length), CancellationToken.None);
        }
    }
}
