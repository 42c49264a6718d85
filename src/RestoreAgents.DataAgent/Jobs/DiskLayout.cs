using RestoreAgents.Caching;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Vhd;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>Where the parts of a restored disk sit in its page blob: data, zero holes, the VHD footer.</summary>
internal sealed record DiskLayout(long DiskSize, long DataSize)
{
    /// <summary>The blob: the disk padded to a whole MiB (as Azure requires), then the 512-byte footer.</summary>
    public long BlobSize => DataSize + VhdFooter.Size;

    public static DiskLayout For(CopyDescription copy) =>
        new((long)copy.DiskSize, PageBlobRules.RoundUpToVhdAlignment((long)copy.DiskSize));

    /// <summary>The ranges of the data area that hold no data: the copy's holes and the padding.</summary>
    public IEnumerable<(long Offset, long Length)> Holes(IEnumerable<Extent> allocated)
    {
        long position = 0;
        foreach (var extent in allocated)
        {
            if ((long)extent.Offset > position)
                yield return (position, (long)extent.Offset - position);
            position = Math.Max(position, (long)(extent.Offset + extent.Length));
        }
        if (position < DataSize)
            yield return (position, DataSize - position);
    }
}
