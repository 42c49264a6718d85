using RestoreAgents.DataAgent.Jobs;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>Where a copy lands in its page blob: whole MiB of data, then the VHD footer; holes declared zero.</summary>
public sealed class DiskLayoutTests
{
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData(MiB, MiB)] // a whole MiB stays as it is
    [InlineData(7 * MiB, 7 * MiB)]
    [InlineData(MiB + 512, 2 * MiB)] // a sector over: padded to the next MiB
    [InlineData(3 * MiB - 512, 3 * MiB)]
    [InlineData(512, MiB)]
    [InlineData(10L * 1024 * MiB + 3 * 512, 10L * 1024 * MiB + MiB)] // past 4 GiB
    public void For_RoundsTheDataAreaUpToAWholeMiB_AndPutsThe512ByteFooterAfterIt(long diskSize, long dataSize)
    {
        var layout = DiskLayout.For(new CopyDescription { DiskSize = (ulong)diskSize });

        Assert.Equal(diskSize, layout.DiskSize);
        Assert.Equal(dataSize, layout.DataSize);
        Assert.Equal(dataSize + 512, layout.BlobSize);
    }

    [Fact]
    public void Holes_AreTheGapsBetweenExtents_AndThePaddingAfterAnOddSizedDisk()
    {
        var layout = DiskLayout.For(new CopyDescription { DiskSize = 3 * MiB + 1536 });

        var holes = layout.Holes([Extent(0, 4096), Extent(MiB, MiB), Extent(3 * MiB, 1536)]).ToList();

        Assert.Equal([(4096, MiB - 4096), (2 * MiB, MiB), (3 * MiB + 1536, MiB - 1536)], holes);
    }

    [Fact]
    public void Holes_AreNone_ForAWholeMiBDiskFullOfData()
    {
        var layout = DiskLayout.For(new CopyDescription { DiskSize = 4 * MiB });

        Assert.Empty(layout.Holes([Extent(0, MiB), Extent(MiB, 3 * MiB)]));
    }

    [Fact]
    public void Holes_StartAtZero_WhenTheFirstExtentDoesNot()
    {
        var layout = DiskLayout.For(new CopyDescription { DiskSize = 4 * MiB });

        Assert.Equal([(0, MiB)], layout.Holes([Extent(MiB, 3 * MiB)]));
    }

    [Fact]
    public void Holes_CoverTheWholeDataArea_OfADiskWithoutData()
    {
        var layout = DiskLayout.For(new CopyDescription { DiskSize = 5 * MiB + 512 });

        Assert.Equal([(0, 6 * MiB)], layout.Holes([]));
    }

    [Fact]
    public void Holes_AndExtents_AddUpToTheDataArea_OfAnOddSizedDisk()
    {
        const long diskSize = 9 * MiB + 7 * 512;
        var extents = new[] { Extent(512, 100 * 512), Extent(2 * MiB + 512, 3 * MiB), Extent(9 * MiB, 7 * 512) };
        var layout = DiskLayout.For(new CopyDescription { DiskSize = diskSize });

        var holes = layout.Holes(extents).ToList();

        Assert.Equal(10 * MiB, holes.Sum(h => h.Length) + extents.Sum(e => (long)e.Length));
        Assert.All(holes, hole => Assert.DoesNotContain(extents, e =>
            hole.Offset < (long)(e.Offset + e.Length) && (long)e.Offset < hole.Offset + hole.Length));
    }

    private static Extent Extent(long offset, long length) => new() { Offset = (ulong)offset, Length = (ulong)length };
}
