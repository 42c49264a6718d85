using System.Buffers;
using Microsoft.Win32.SafeHandles;
using RestoreAgents.PseudoDisk;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>
/// Writes a job's blocks into its file on the FUSE pseudo-disk, as any tool writing a disk file would; the
/// kernel hands them to the page cache behind the file. Contiguous blocks are gathered into one write of up to
/// <see cref="WriteSize"/>, so the kernel makes one FUSE request per MiB instead of one per 64 KiB block, and
/// one write is in flight while the next MiB arrives from the media agent (two buffers).
/// </summary>
internal sealed class FuseRestoreDisk : IRestoreDisk
{
    /// <summary>The largest write the pseudo-disk negotiates with the kernel (max_write).</summary>
    public const int WriteSize = 1024 * 1024;

    private readonly PseudoDiskMount _mount;
    private readonly string _folder;
    private readonly string _fileName;
    private readonly PageCache.PageCache _cache;
    private readonly SafeFileHandle _file;
    private byte[]? _filling = ArrayPool<byte>.Shared.Rent(WriteSize);
    private byte[]? _writing = ArrayPool<byte>.Shared.Rent(WriteSize);
    private long _fillingOffset;
    private int _fillingLength;
    private Task _inFlight = Task.CompletedTask;

    private FuseRestoreDisk(PseudoDiskMount mount, string folder, string fileName, string path,
        PageCache.PageCache cache, SafeFileHandle file)
    {
        _mount = mount;
        _folder = folder;
        _fileName = fileName;
        Path = path;
        _cache = cache;
        _file = file;
    }

    /// <summary>The disk's file in the mount.</summary>
    public string Path { get; }

    /// <summary>Serves <paramref name="cache"/> as <c>mount/folder/fileName</c> and opens that file for writing.</summary>
    public static FuseRestoreDisk Open(PseudoDiskMount mount, string folder, string fileName,
        PageCache.PageCache cache)
    {
        var path = mount.AddDisk(folder, fileName, cache);
        try
        {
            var file = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            return new FuseRestoreDisk(mount, folder, fileName, path, cache, file);
        }
        catch
        {
            mount.RemoveDisk(folder, fileName);
            throw;
        }
    }

    public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        bool contiguous = _fillingLength > 0 && offset == _fillingOffset + _fillingLength;
        if (_fillingLength > 0 && (!contiguous || _fillingLength + data.Length > WriteSize))
            await SendFilledAsync(cancellationToken);
        if (data.Length >= WriteSize)
        {
            await _inFlight;
            await WriteFileAsync(offset, data, cancellationToken);
            return;
        }
        var filling = _filling ?? throw new ObjectDisposedException(Path);
        if (_fillingLength == 0) _fillingOffset = offset;
        data.CopyTo(filling.AsMemory(_fillingLength));
        _fillingLength += data.Length;
        if (_fillingLength == WriteSize) await SendFilledAsync(cancellationToken);
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await SendFilledAsync(cancellationToken);
        await _inFlight;
        try
        {
            // fsync makes the pseudo-disk upload the partly filled pages, as any tool's fsync would.
            await Task.Run(() => RandomAccess.FlushToDisk(_file), cancellationToken);
        }
        catch (IOException e)
        {
            throw await ExplainAsync(e, "flushing", 0, 0, cancellationToken);
        }
        // Returns once every page is in the cloud, or throws the upload's own failure.
        await _cache.FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _inFlight; // its buffer goes back to the pool only once the kernel is done with it
        }
        catch (Exception)
        {
            // reported by the write or the completion that awaited it
        }
        _file.Dispose();
        _mount.RemoveDisk(_folder, _fileName);
        if (Interlocked.Exchange(ref _filling, null) is { } filling) ArrayPool<byte>.Shared.Return(filling);
        if (Interlocked.Exchange(ref _writing, null) is { } writing) ArrayPool<byte>.Shared.Return(writing);
    }

    /// <summary>Waits for the write in flight, then sends the filled buffer and goes on filling the other one.</summary>
    private async ValueTask SendFilledAsync(CancellationToken cancellationToken)
    {
        if (_fillingLength == 0) return;
        await _inFlight;
        (_filling, _writing) = (_writing, _filling);
        var sending = (_writing ?? throw new ObjectDisposedException(Path)).AsMemory(0, _fillingLength);
        _inFlight = WriteFileAsync(_fillingOffset, sending, cancellationToken).AsTask();
        _fillingLength = 0;
    }

    private async ValueTask WriteFileAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            await RandomAccess.WriteAsync(_file, data, offset, cancellationToken);
        }
        catch (IOException e)
        {
            throw await ExplainAsync(e, "writing", offset, data.Length, cancellationToken);
        }
    }

    /// <summary>
    /// The kernel reduces every failure to an errno; the cache behind the file knows the cause (a page the cloud
    /// refused, say), so ask it first and name the file and offset otherwise.
    /// </summary>
    private async Task<Exception> ExplainAsync(IOException error, string doing, long offset, int length,
        CancellationToken cancellationToken)
    {
        try
        {
            await _cache.FlushAsync(cancellationToken);
        }
        catch (PageCache.PageUploadException cause)
        {
            return cause;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // the cache has nothing better to say than the kernel
        }
        var where = length > 0 ? $" {length} bytes at offset {offset} of" : "";
        return new IOException($"{doing}{where} '{Path}' on the pseudo-disk failed: {error.Message} "
            + $"(its page cache file is '{_cache.CacheFilePath}')", error);
    }
}
