using RestoreAgents.DataAgent.MediaAgents;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>What a re-opened stream asks for: the disk minus what arrived, as few ranges as that takes.</summary>
public sealed class ReceivedRangesTests
{
    private const ulong MiB = 1024 * 1024;

    private static (ulong, ulong)[] Pairs(IEnumerable<Extent> extents) => extents.Select(e => (e.Offset, e.Length)).ToArray();

    [Fact]
    public void NothingReceived_AsksForTheWholeDisk()
    {
        Assert.Equal([(0ul, 8 * MiB)], Pairs(new ReceivedRanges(8 * MiB).Missing()));
    }

    [Fact]
    public void APrefixReceived_AsksForTheRest_InOneRange()
    {
        var received = new ReceivedRanges(8 * MiB);
        for (ulong offset = 0; offset < 3 * MiB; offset += 64 * 1024) received.Add(offset, 64 * 1024);

        Assert.Equal([(3 * MiB, 5 * MiB)], Pairs(received.Missing()));
        Assert.Equal(3 * (long)MiB, received.Bytes);
    }

    [Fact]
    public void ExtentsReceivedAroundHoles_AskOnlyForTheGapsBetweenThem()
    {
        var received = new ReceivedRanges(8 * MiB);
        received.Add(MiB, (int)MiB);
        received.Add(4 * MiB, 512);

        Assert.Equal([(0ul, MiB), (2 * MiB, 2 * MiB), (4 * MiB + 512, 4 * MiB - 512)], Pairs(received.Missing()));
    }

    [Fact]
    public void Everything_Received_AsksForNothing()
    {
        var received = new ReceivedRanges(2 * MiB);
        received.Add(0, (int)(2 * MiB));

        Assert.Empty(received.Missing());
    }

    [Theory]
    [InlineData(MiB - 1, 2, true)]
    [InlineData(2 * MiB - 1, 1, true)]
    [InlineData(2 * MiB, 4096, false)]
    [InlineData(0, (int)MiB, false)]
    public void Overlaps_TellsABlockThatArrivedBefore(ulong offset, int length, bool overlaps)
    {
        var received = new ReceivedRanges(4 * MiB);
        received.Add(MiB, (int)MiB);

        Assert.Equal(overlaps, received.Overlaps(offset, length));
    }
}
