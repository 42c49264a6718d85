using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ZstdSharp;

namespace RestoreAgents.Store;

/// <summary>
/// The secondary-copy store: copies/&lt;name&gt;.json manifests over chunks/&lt;2 hex&gt;/&lt;sha256&gt;, each a
/// zstd-compressed block named by the SHA-256 of its bytes, shared by every copy that holds the same block.
/// Every manifest is checked as it is read (<see cref="ManifestCheck"/>); files are 0600 in 0700 folders.
/// </summary>
public sealed partial class SecondaryCopyStore(string rootPath, ILogger<SecondaryCopyStore>? logger = null)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    public string RootPath { get; } = rootPath;

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
    /// inside the disk: see <see cref="ReadRanges"/>); blocks and ranges are walked once, side by side.
    /// </summary>
    /// <exception cref="ArgumentException">A range breaks the rule; the message names the first one.</exception>
    public async IAsyncEnumerable<DiskBlock> ReadBlocksAsync(string copyName, IReadOnlyList<ByteRange>? ranges,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var copy = GetCopy(copyName);
        if (ranges is not null) ReadRanges.Validate(ranges, copy);
        var buffer = ArrayPool<byte>.Shared.Rent(copy.BlockSize);
        try
        {
            using var decompressor = new Decompressor();
            int nextRange = 0; // the first range that may still overlap this block or a later one
            foreach (var block in copy.Blocks)
            {
                var blockStart = block.Index * copy.BlockSize;
                var blockLength = (int)copy.BlockLength(block.Index);
                var blockEnd = blockStart + blockLength;
                int first = 0, count = 1;
                if (ranges is not null)
                {
                    while (nextRange < ranges.Count && ranges[nextRange].End <= blockStart) nextRange++;
                    if (nextRange == ranges.Count) break;
                    first = nextRange;
                    count = 0;
                    while (first + count < ranges.Count && ranges[first + count].Offset < blockEnd) count++;
                    if (count == 0) continue;
                }

                var data = buffer.AsMemory(0, blockLength);
                await ReadChunkAsync(copy, block, blockStart, data, decompressor, cancellationToken);
                if (ranges is null)
                {
                    yield return new DiskBlock(blockStart, data);
                    continue;
                }
                for (int i = first; i < first + count; i++)
                {
                    var start = Math.Max(ranges[i].Offset, blockStart);
                    var end = Math.Min(ranges[i].End, blockEnd);
                    yield return new DiskBlock(start, data.Slice((int)(start - blockStart), (int)(end - start)));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task ReadChunkAsync(CopyManifest copy, StoredBlock block, long offset, Memory<byte> data,
        Decompressor decompressor, CancellationToken cancellationToken)
    {
        byte[] compressed;
        try
        {
            compressed = await File.ReadAllBytesAsync(ChunkPath(block.Sha256), cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CorruptChunkException(copy.Name, offset, block.Sha256, "is missing");
        }

        int length;
        try
        {
            length = decompressor.Unwrap(compressed, data.Span);
        }
        catch (Exception e) when (e is ZstdException or ArgumentException)
        {
            throw new CorruptChunkException(copy.Name, offset, block.Sha256, $"does not decompress ({e.Message})");
        }
        if (length != data.Length)
            throw new CorruptChunkException(copy.Name, offset, block.Sha256,
                $"holds {length} bytes where the block has {data.Length}");
        if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(data.Span)), block.Sha256, StringComparison.Ordinal))
            throw new CorruptChunkException(copy.Name, offset, block.Sha256, "fails its SHA-256 check");
    }

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

/// <summary>A range of disk data; Data is a pooled buffer valid only until the enumerator moves on.</summary>
public readonly record struct DiskBlock(long Offset, ReadOnlyMemory<byte> Data);
