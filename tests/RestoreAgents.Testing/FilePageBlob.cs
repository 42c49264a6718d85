using System.Buffers;
using Microsoft.Win32.SafeHandles;

using RestoreAgents.Caching;

namespace RestoreAgents.Testing;

/// <summary>
/// A page blob in a local sparse file: for tests and the two-phase benchmark. It checks writes the way Azure's
/// Put Page and Clear Page do (512-byte aligned, at most 4 MiB per write, inside the blob), so a cache that would
/// break on Azure breaks here too.
/// </summary>
public sealed class FilePageBlob : IPageBlob, IDisposable
{
    private readonly SafeFileHandle _handle;

    /// <summary>Opens or creates the file and sets its length to <paramref name="size"/> (sparse where unwritten).</summary>
    public FilePageBlob(string path, long size)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (size < 0 || !PageBlobRules.IsWholeSectors(size))
            throw new ArgumentException(
                $"size {size} of page blob '{path}' is not a multiple of {PageBlobRules.SectorSize} bytes",
                nameof(size));
        Path = System.IO.Path.GetFullPath(path);
        Size = size;
        _handle = File.OpenHandle(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        RandomAccess.SetLength(_handle, size);
    }

    public string Path { get; }

    public long Size { get; }

    public string Name => Path;

    public ValueTask WritePagesAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        PageBlobRules.ValidatePutPage(offset, data.Length, Size, Path);
        return RandomAccess.WriteAsync(_handle, data, offset, cancellationToken);
    }

    public ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ReadCoreAsync(offset, buffer, async: true, cancellationToken);

    public void Read(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ReadCoreAsync(offset, buffer, async: false, cancellationToken).EnsureCompleted();

    public async ValueTask ClearPagesAsync(long offset, long length, CancellationToken cancellationToken = default)
    {
        PageBlobRules.ValidatePages("clear", offset, length, Size, Path);
        const int ChunkSize = 1024 * 1024;
        var zeros = ArrayPool<byte>.Shared.Rent((int)Math.Min(length, ChunkSize));
        try
        {
            Array.Clear(zeros);
            while (length > 0)
            {
                int count = (int)Math.Min(length, zeros.Length);
                await RandomAccess.WriteAsync(_handle, zeros.AsMemory(0, count), offset, cancellationToken)
                    .ConfigureAwait(false);
                offset += count;
                length -= count;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(zeros);
        }
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>One body for both reads: <paramref name="async"/> false makes only synchronous file calls.</summary>
    private async ValueTask ReadCoreAsync(long offset, Memory<byte> buffer, bool async,
        CancellationToken cancellationToken)
    {
        PageBlobRules.ValidateRange("read", offset, buffer.Length, Size, Path);
        while (!buffer.IsEmpty)
        {
            int read = async
                ? await RandomAccess.ReadAsync(_handle, buffer, offset, cancellationToken).ConfigureAwait(false)
                : RandomAccess.Read(_handle, buffer.Span, offset);
            if (read == 0)
            {
                buffer.Span.Clear();
                return;
            }
            offset += read;
            buffer = buffer[read..];
        }
    }
}
