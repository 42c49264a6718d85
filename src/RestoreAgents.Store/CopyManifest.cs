using System.Text.Json.Serialization;

namespace RestoreAgents.Store;

/// <summary>One stored block: its index on the disk and the SHA-256 that names its chunk.</summary>
public sealed record StoredBlock(long Index, string Sha256);

/// <summary>What a copy is: the disk's size and hash, and the chunks of its non-zero blocks.</summary>
public sealed record CopyManifest
{
    public required string Name { get; init; }
    public required long DiskSize { get; init; }
    public required int BlockSize { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required string SourceFormat { get; init; }
    public required string DiskSha256 { get; init; }
    public required IReadOnlyList<StoredBlock> Blocks { get; init; }

    public long BlockLength(long index) => Math.Min(BlockSize, DiskSize - index * BlockSize);

    [JsonIgnore]
    public long AllocatedBytes => Blocks.Sum(b => BlockLength(b.Index));

    /// <summary>The ranges that hold data, adjacent blocks merged, ascending.</summary>
    [JsonIgnore]
    public IReadOnlyList<ByteRange> AllocatedExtents
    {
        get
        {
            var extents = new List<ByteRange>();
            foreach (var block in Blocks)
            {
                var range = new ByteRange(block.Index * BlockSize, BlockLength(block.Index));
                if (extents.Count > 0 && extents[^1].End == range.Offset)
                    extents[^1] = extents[^1] with { Length = extents[^1].Length + range.Length };
                else
                    extents.Add(range);
            }
            return extents;
        }
    }
}
