using Google.Protobuf.WellKnownTypes;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Store;

namespace RestoreAgents.MediaAgent.Services;

internal static class CopyDescriptions
{
    public static CopyDescription From(CopyManifest copy)
    {
        var description = new CopyDescription
        {
            Name = copy.Name,
            DiskSize = (ulong)copy.DiskSize,
            BlockSize = (uint)copy.BlockSize,
            AllocatedBytes = (ulong)copy.AllocatedBytes,
            Created = Timestamp.FromDateTimeOffset(copy.Created),
            SourceFormat = copy.SourceFormat,
            DiskSha256 = copy.DiskSha256,
        };
        description.Allocated.AddRange(copy.AllocatedExtents.Select(e =>
            new Extent { Offset = (ulong)e.Offset, Length = (ulong)e.Length }));
        return description;
    }
}
