using RestoreAgents.Testing;

namespace RestoreAgents.Store.Tests;

/// <summary>
/// The ranges a read may name: ascending, disjoint, inside the disk and at most <see cref="CopyLimits.MaxRanges"/>;
/// the first range that breaks the rule is named. Good ranges are clipped exactly, however many there are.
/// </summary>
public sealed class ReadRangeTests : IAsyncLifetime
{
    private const int Block = 64 * 1024;
    private const long DiskSize = 1L << 20;
    private readonly TempDirectory _folder = new();
    private SecondaryCopyStore _store = null!;
    private byte[] _source = [];

    public static TheoryData<string, long[], int, string> BadRanges => new()
    {
        { "descending", [4096, 512, 0, 512], 1, "ascending and disjoint" },
        { "overlapping", [0, 8192, 4096, 8192], 1, "ascending and disjoint" },
        { "beyond the disk", [0, 512, DiskSize - 512, 1024], 1, $"beyond the disk's {DiskSize} bytes" },
        { "offset past the end", [DiskSize + 512, 512], 0, "beyond the disk" },
        { "length that wraps", [512, long.MaxValue], 0, "beyond the disk" },
        { "empty", [0, 512, 1024, 0], 1, "empty" },
        { "negative", [-512, 1024], 0, "negative" },
    };

    [Theory]
    [MemberData(nameof(BadRanges))]
    public async Task ReadBlocks_RefusesBadRanges_NamingTheFirstBadOne(string why, long[] pairs, int badIndex,
        string reason)
    {
        var ranges = pairs.Chunk(2).Select(p => new ByteRange(p[0], p[1])).ToList();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ReadAsync(ranges));

        Assert.True(error.Message.Contains($"range {badIndex} (offset {ranges[badIndex].Offset}, "
            + $"length {ranges[badIndex].Length})") && error.Message.Contains(reason), $"{why}: {error.Message}");
    }

    [Fact]
    public async Task ReadBlocks_RefusesMoreRangesThanTheLimit_SayingHowMany()
    {
        var ranges = Enumerable.Range(0, CopyLimits.MaxRanges + 1).Select(i => new ByteRange(i * 2L, 1)).ToList();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ReadAsync(ranges));

        Assert.Contains($"{CopyLimits.MaxRanges + 1} ranges, more than {CopyLimits.MaxRanges}", error.Message);
    }

    [Fact]
    public async Task ReadBlocks_ManyRangesAcrossAndWithinBlocks_GiveExactlyThoseBytes()
    {
        // 3 ranges in every block, one of them crossing into the next block: the one-pass clip must not lose any.
        var ranges = new List<ByteRange>();
        for (long start = 0; start < DiskSize - Block; start += Block)
        {
            ranges.Add(new ByteRange(start + 10, 100));
            ranges.Add(new ByteRange(start + 1000, 1));
            ranges.Add(new ByteRange(start + Block - 50, 55));
        }

        var pieces = await ReadAsync(ranges);

        var expected = ranges.SelectMany(r => r.Offset / Block == (r.End - 1) / Block
            ? [r]
            : new[] { r with { Length = Block - r.Offset % Block }, new ByteRange(r.End - r.End % Block, r.End % Block) });
        Assert.Equal(expected.Select(r => (r.Offset, r.Length)), pieces.Select(p => (p.Offset, (long)p.Data.Length)));
        Assert.All(pieces, p => Assert.True(_source.AsSpan((int)p.Offset, p.Data.Length).SequenceEqual(p.Data)));
    }

    private async Task<List<(long Offset, byte[] Data)>> ReadAsync(IReadOnlyList<ByteRange> ranges)
    {
        var pieces = new List<(long, byte[])>();
        await foreach (var block in _store.ReadBlocksAsync("disk", ranges, CancellationToken.None))
            pieces.Add((block.Offset, block.Data.ToArray()));
        return pieces;
    }

    public async Task InitializeAsync()
    {
        _store = new SecondaryCopyStore(_folder.Combine("store"));
        var image = _folder.Combine("disk.raw");
        await TestDiskImage.CreateAsync(image, DiskSize, seed: 2, dataFraction: 1.0);
        _source = await File.ReadAllBytesAsync(image);
        await new BackupWriter(_store).BackupAsync(image, "disk", new BackupOptions { BlockSize = Block }, null,
            CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
