using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using RestoreAgents.DiskImages;
using RestoreAgents.Files;
using ZstdSharp;

namespace RestoreAgents.Store;

/// <summary>
/// Backs up a disk image of any format <see cref="DiskImageReader"/> reads into the store. Only the extents the
/// image's allocation map lists are read; blocks outside them are zeros, hashed but never read. All-zero blocks are
/// omitted, the rest stored once per content; chunks and the manifest are written atomically, the manifest last,
/// so a failure or a crash leaves no copy; they are 0600 files in 0700 folders (<see cref="OwnerOnlyFiles"/>).
/// </summary>
public sealed class BackupWriter(SecondaryCopyStore store)
{
    public async Task<CopyManifest> BackupAsync(string imagePath, string copyName, BackupOptions options,
        IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        SecondaryCopyStore.ValidateName(copyName);
        if (CopyLimits.BlockSizeProblem(options.BlockSize) is { } problem) throw new ArgumentException(problem);
        if (File.Exists(store.ManifestPath(copyName))) throw new CopyAlreadyExistsException(copyName);

        using var image = await DiskImageReader.OpenAsync(imagePath, cancellationToken).ConfigureAwait(false);
        OwnerOnlyFiles.CreateFolder(store.RootPath);
        using var diskHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var compressor = new Compressor(3);
        var buffer = ArrayPool<byte>.Shared.Rent(options.BlockSize);
        var zeroBlock = ArrayPool<byte>.Shared.Rent(options.BlockSize);
        Array.Clear(zeroBlock, 0, options.BlockSize);
        var blocks = new List<StoredBlock>();
        long stored = 0, zeros = 0, dedup = 0, unallocated = 0;
        var extents = image.GetAllocatedExtentsAsync(0, image.Size, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            var extent = await NextAsync(extents).ConfigureAwait(false);
            for (long index = 0, offset = 0; offset < image.Size; index++, offset += options.BlockSize)
            {
                var length = (int)Math.Min(options.BlockSize, image.Size - offset);
                while (extent is { } current && current.End <= offset)
                    extent = await NextAsync(extents).ConfigureAwait(false);
                var data = buffer.AsMemory(0, length);
                if (extent is not { } allocated || allocated.Offset >= offset + length)
                {
                    // Nothing allocated in this block: zeros, hashed without reading the image.
                    diskHash.AppendData(zeroBlock, 0, length);
                    zeros += length;
                    unallocated += length;
                }
                else
                {
                    await image.ReadAsync(offset, data, cancellationToken).ConfigureAwait(false);
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
                            stored += await OwnerOnlyFiles.WriteAtomicallyAsync(path, compressor.Wrap(data.Span).ToArray(),
                                cancellationToken).ConfigureAwait(false);
                        blocks.Add(new StoredBlock(index, sha));
                    }
                }
                progress?.Report(new BackupProgress(offset + length, image.Size, stored, zeros, dedup, image.BytesRead,
                    unallocated));
            }
        }
        finally
        {
            await extents.DisposeAsync().ConfigureAwait(false);
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(zeroBlock);
        }

        var manifest = new CopyManifest
        {
            Name = copyName,
            DiskSize = image.Size,
            BlockSize = options.BlockSize,
            Created = DateTimeOffset.UtcNow,
            SourceFormat = image.Format,
            DiskSha256 = Convert.ToHexStringLower(diskHash.GetHashAndReset()),
            Blocks = blocks,
        };
        await OwnerOnlyFiles.WriteAtomicallyAsync(store.ManifestPath(copyName),
            JsonSerializer.SerializeToUtf8Bytes(manifest, SecondaryCopyStore.Json), cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    private static async ValueTask<ImageExtent?> NextAsync(IAsyncEnumerator<ImageExtent> extents) =>
        await extents.MoveNextAsync().ConfigureAwait(false) ? extents.Current : null;
}
