using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RestoreAgents.Store;

/// <summary>
/// The secondary-copy store: copies/&lt;name&gt;.json manifests over chunks/&lt;2 hex&gt;/&lt;sha256&gt;, each a
/// zstd-compressed block named by the SHA-256 of its bytes, shared by every copy that holds the same block.
/// Every manifest is checked as it is read (<see cref="ManifestCheck"/>); files are 0600 in 0700 folders.
/// </summary>
public sealed partial class SecondaryCopyStore(string rootPath, ILogger<SecondaryCopyStore>? logger = null,
    int readAhead = SecondaryCopyStore.DefaultReadAhead)
{
    /// <summary>Chunks read ahead of a reader by default: enough to keep 2 cores decompressing while one is sent.</summary>
    public const int DefaultReadAhead = 4;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    public string RootPath { get; } = rootPath;

    /// <summary>How many chunks a read decompresses and checks ahead of its caller, in parallel.</summary>
    public int ReadAhead { get; } = readAhead >= 1 ? readAhead
        : throw new ArgumentOutOfRangeException(nameof(readAhead), readAhead, "read-ahead must be at least 1 chunk");

    internal string CopiesPath => Path.Combine(RootPath, "copies");

    internal string ChunkPath(string sha256) => Path.Combine(RootPath, "chunks", sha256[..2], sha256);

    internal string ManifestPath(string name) => Path.Combine(CopiesPath, name + ".json");

    /// <summary>The copies whose manifests are sound; a damaged one is left out with a warning naming its file.</summary>
    public IReadOnlyList<CopyManifest> ListCopies()
    {
        if (!Directory.Exists(CopiesPath)) return [];
        var copies = new List<CopyManifest>();
        foreach (var path in Directory.EnumerateFiles(CopiesPath, "*.json"))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            try
            {
                ValidateName(name);
                copies.Add(Load(path, name));
            }
            catch (Exception e) when (e is DamagedManifestException or ArgumentException or IOException)
            {
                _logger.LogWarning("Copy manifest {File} is left out of the list of copies: {Reason}", path, e.Message);
            }
        }
        return copies.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
    }

    /// <exception cref="CopyNotFoundException">No copy of that name.</exception>
    /// <exception cref="DamagedManifestException">Its manifest cannot be trusted.</exception>
    public CopyManifest GetCopy(string name)
    {
        ValidateName(name);
        var path = ManifestPath(name);
        return File.Exists(path) ? Load(path, name) : throw new CopyNotFoundException(name);
    }

    /// <summary>
    /// The copy's stored blocks, verified, clipped to <paramref name="ranges"/> when given (ascending, disjoint,
    /// inside the disk: see <see cref="ReadRanges"/>); blocks and ranges are walked once, side by side. Chunks are
    /// read, decompressed and checked <see cref="ReadAhead"/> at a time ahead of the caller, and come out in order.
    /// </summary>
    /// <exception cref="ArgumentException">A range breaks the rule; the message names the first one.</exception>
    /// <exception cref="CorruptChunkException">A chunk is missing or fails its check; every block before it came out.</exception>
    public async IAsyncEnumerable<DiskBlock> ReadBlocksAsync(string copyName, IReadOnlyList<ByteRange>? ranges,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var copy = GetCopy(copyName);
        if (ranges is not null) ReadRanges.Validate(ranges, copy);
        await using var chunks = new ChunkReadAhead(this, copy, ReadAhead, cancellationToken);
        var started = new Queue<WantedBlock>();
        using var wanted = WantedBlocks(copy, ranges).GetEnumerator();
        var more = true;
        while (true)
        {
            while (more && chunks.WantsMore && (more = wanted.MoveNext()))
            {
                chunks.Start(wanted.Current.Block);
                started.Enqueue(wanted.Current);
            }
            if (!started.TryDequeue(out var block)) yield break;
            var chunk = await chunks.NextAsync();
            if (ranges is null)
            {
                yield return new DiskBlock(chunk.Offset, chunk.Data, chunk.Sha256);
                continue;
            }
            var blockEnd = chunk.Offset + chunk.Length;
            for (int i = block.FirstRange; i < block.FirstRange + block.RangeCount; i++)
            {
                var start = Math.Max(ranges[i].Offset, chunk.Offset);
                var end = Math.Min(ranges[i].End, blockEnd);
                yield return new DiskBlock(start, chunk.Data.Slice((int)(start - chunk.Offset), (int)(end - start)),
                    chunk.Sha256);
            }
        }
    }

    /// <summary>The stored blocks that overlap <paramref name="ranges"/> (all of them without), with those ranges.</summary>
    private static IEnumerable<WantedBlock> WantedBlocks(CopyManifest copy, IReadOnlyList<ByteRange>? ranges)
    {
        int nextRange = 0; // the first range that may still overlap this block or a later one
        foreach (var block in copy.Blocks)
        {
            if (ranges is null)
            {
                yield return new WantedBlock(block, 0, 0);
                continue;
            }
            var blockStart = block.Index * copy.BlockSize;
            var blockEnd = blockStart + copy.BlockLength(block.Index);
            while (nextRange < ranges.Count && ranges[nextRange].End <= blockStart) nextRange++;
            if (nextRange == ranges.Count) yield break;
            int count = 0;
            while (nextRange + count < ranges.Count && ranges[nextRange + count].Offset < blockEnd) count++;
            if (count > 0) yield return new WantedBlock(block, nextRange, count);
        }
    }

    private readonly record struct WantedBlock(StoredBlock Block, int FirstRange, int RangeCount);

    private static CopyManifest Load(string path, string copyName)
    {
        CopyManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<CopyManifest>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new DamagedManifestException(copyName, "its JSON", $"cannot be read: {e.Message}", e);
        }
        if (manifest is null) throw new DamagedManifestException(copyName, "its JSON", "is null");
        ManifestCheck.Validate(manifest, copyName);
        return manifest;
    }

    internal static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > CopyLimits.MaxNameLength || !ValidName().IsMatch(name))
            throw new ArgumentException(
                $"copy name '{name}' is not valid: use 1 to {CopyLimits.MaxNameLength} letters, digits, '.', '-' or "
                + "'_', not starting with '.'");
    }

    // \A and \z: '$' would also match before a final newline, letting "name\n" through.
    [GeneratedRegex(@"\A[A-Za-z0-9_-][A-Za-z0-9._-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}

/// <summary>
/// A range of disk data and the SHA-256 of the stored block it is part of (checked against the chunk); Data is a
/// pooled buffer valid only until the enumerator moves on.
/// </summary>
public readonly record struct DiskBlock(long Offset, ReadOnlyMemory<byte> Data, ReadOnlyMemory<byte> BlockSha256);
