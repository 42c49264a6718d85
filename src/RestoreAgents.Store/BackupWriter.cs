using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using RestoreAgents.Vhd;
using ZstdSharp;

namespace RestoreAgents.Store;

/// <summary>
/// Backs up a raw disk or a fixed VHD into the store: all-zero blocks are omitted, the rest stored once per
/// content; chunks and the manifest are written atomically, the manifest last, so a crash leaves no copy.
/// </summary>
public sealed class BackupWriter(SecondaryCopyStore store)
{
    public async Task<CopyManifest> BackupAsync(string imagePath, string copyName, BackupOptions options,
        IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        SecondaryCopyStore.ValidateName(copyName);
        if (options.BlockSize <= 0 || options.BlockSize % 4096 != 0)
            throw new ArgumentException($"block size {options.BlockSize} is not a positive multiple of 4096");
        if (File.Exists(store.ManifestPath(copyName))) throw new CopyAlreadyExistsException(copyName);

        var image = DiskImageInspector.Inspect(imagePath);
        using var file = File.OpenHandle(imagePath, options: FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var diskHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var compressor = new Compressor(3);
        var buffer = ArrayPool<byte>.Shared.Rent(options.BlockSize);
        var blocks = new List<StoredBlock>();
        long stored = 0, zeros = 0, dedup = 0;
        try
        {
            for (long index = 0, offset = 0; offset < image.DiskSize; index++, offset += options.BlockSize)
            {
                var length = (int)Math.Min(options.BlockSize, image.DiskSize - offset);
                var data = buffer.AsMemory(0, length);
                await RandomAccess.ReadAsync(file, data, offset, cancellationToken);
                diskHash.AppendData(data.Span);
                if (!data.Span.ContainsAnyExcept((byte)0))
                {
                    zeros += length;
                }
                else
                {
                    var sha = Convert.ToHexStringLower(SHA256.HashData(data.Span));
                    var path = store.ChunkPath(sha);
                    if (File.Exists(path))
                        dedup++;
                    else
                        stored += await WriteAtomicallyAsync(path, compressor.Wrap(data.Span).ToArray(), cancellationToken);
                    blocks.Add(new StoredBlock(index, sha));
                }
                progress?.Report(new BackupProgress(offset + length, image.DiskSize, stored, zeros, dedup));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var manifest = new CopyManifest
        {
            Name = copyName,
            DiskSize = image.DiskSize,
            BlockSize = options.BlockSize,
            Created = DateTimeOffset.UtcNow,
            SourceFormat = image.Format == DiskImageFormat.FixedVhd ? "vhd-fixed" : "raw",
            DiskSha256 = Convert.ToHexStringLower(diskHash.GetHashAndReset()),
            Blocks = blocks,
        };
        await WriteAtomicallyAsync(store.ManifestPath(copyName),
            JsonSerializer.SerializeToUtf8Bytes(manifest, SecondaryCopyStore.Json), cancellationToken);
        return manifest;
    }

    private static async Task<long> WriteAtomicallyAsync(string path, ReadOnlyMemory<byte> bytes,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
        File.Move(temporary, path, overwrite: true);
        return bytes.Length;
    }
}
