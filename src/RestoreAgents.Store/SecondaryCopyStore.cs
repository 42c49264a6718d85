using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using ZstdSharp;

namespace RestoreAgents.Store;

/// <summary>
/// The secondary-copy store: copies/&lt;name&gt;.json manifests over chunks/&lt;2 hex&gt;/&lt;sha256&gt;, each a
/// zstd-compressed block named by the SHA-256 of its bytes, shared by every copy that holds the same block.
/// </summary>
public sealed partial class SecondaryCopyStore(string rootPath)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string RootPath { get; } = rootPath;

    internal string CopiesPath => Path.Combine(RootPath, "copies");

    internal string ChunkPath(string sha256) => Path.Combine(RootPath, "chunks", sha256[..2], sha256);

    internal string ManifestPath(string name) => Path.Combine(CopiesPath, name + ".json");

    public IReadOnlyList<CopyManifest> ListCopies() =>
        Directory.Exists(CopiesPath)
            ? Directory.EnumerateFiles(CopiesPath, "*.json").Select(Load).OrderBy(c => c.Name, StringComparer.Ordinal).ToList()
            : [];

    public CopyManifest GetCopy(string name)
    {
        ValidateName(name);
        var path = ManifestPath(name);
        return File.Exists(path) ? Load(path) : throw new CopyNotFoundException(name);
    }

    public async IAsyncEnumerable<DiskBlock> ReadBlocksAsync(string copyName, IReadOnlyList<ByteRange>? ranges,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var copy = GetCopy(copyName);
        var buffer = ArrayPool<byte>.Shared.Rent(copy.BlockSize);
        try
        {
            using var decompressor = new Decompressor();
            foreach (var block in copy.Blocks)
            {
                var blockStart = block.Index * copy.BlockSize;
                var blockLength = (int)copy.BlockLength(block.Index);
                var wanted = Clip(new ByteRange(blockStart, blockLength), ranges);
                if (wanted.Count == 0) continue;

                var data = buffer.AsMemory(0, blockLength);
                await ReadChunkAsync(copy, block, blockStart, data, decompressor, cancellationToken);
                foreach (var range in wanted)
                    yield return new DiskBlock(range.Offset,
                        data.Slice((int)(range.Offset - blockStart), (int)range.Length));
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

    private static List<ByteRange> Clip(ByteRange block, IReadOnlyList<ByteRange>? ranges)
    {
        if (ranges is null) return [block];
        var clipped = new List<ByteRange>();
        foreach (var range in ranges)
        {
            var start = Math.Max(range.Offset, block.Offset);
            var end = Math.Min(range.End, block.End);
            if (end > start) clipped.Add(new ByteRange(start, end - start));
        }
        return clipped;
    }

    private static CopyManifest Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<CopyManifest>(File.ReadAllBytes(path), Json)
                   ?? throw new InvalidDataException("empty manifest");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"copy manifest '{path}' is damaged: {e.Message}", e);
        }
    }

    internal static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 200 || !ValidName().IsMatch(name))
            throw new ArgumentException(
                $"copy name '{name}' is not valid: use 1 to 200 letters, digits, '.', '-' or '_', not starting with '.'");
    }

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]*$")]
    private static partial Regex ValidName();
}

/// <summary>A range of disk data; Data is a pooled buffer valid only until the enumerator moves on.</summary>
public readonly record struct DiskBlock(long Offset, ReadOnlyMemory<byte> Data);
