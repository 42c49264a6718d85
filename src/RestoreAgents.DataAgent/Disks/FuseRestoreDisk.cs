using RestoreAgents.Caching;
using Microsoft.Win32.SafeHandles;
using RestoreAgents.PseudoDisk;

namespace RestoreAgents.DataAgent.Disks;

/// <summary>
/// Writes a job's blocks into its file on the FUSE pseudo-disk, as any tool writing a disk file would; the
/// kernel hands them to the page cache behind the file. Blocks go as 1 MiB writes (<see cref="BlockGatherer"/>).
/// </summary>
internal sealed class FuseRestoreDisk : IRestoreDisk
{
    private readonly PseudoDiskMount _mount;
    private readonly string _folder;
    private readonly string _fileName;
    private readonly PageCache _cache;
    private readonly SafeFileHandle _file;
    private readonly BlockGatherer _gatherer;

    private FuseRestoreDisk(PseudoDiskMount mount, string folder, string fileName, string path,
        PageCache cache, SafeFileHandle file)
    {
        _mount = mount;
        _folder = folder;
        _fileName = fileName;
        Path = path;
        _cache = cache;
        _file = file;
        _gatherer = new BlockGatherer(WriteFileAsync);
    }

    /// <summary>The disk's file in the mount.</summary>
    public string Path { get; }

    /// <summary>Serves <paramref name="cache"/> as <c>mount/folder/fileName</c> and opens that file for writing.</summary>
    public static FuseRestoreDisk Open(PseudoDiskMount mount, string folder, string fileName,
        PageCache cache)
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

    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _gatherer.WriteAsync(offset, data, cancellationToken);

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await _gatherer.FlushAsync(cancellationToken);
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
        await _gatherer.DisposeAsync();
        _file.Dispose();
        _mount.RemoveDisk(_folder, _fileName);
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
        catch (PageUploadException cause)
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
