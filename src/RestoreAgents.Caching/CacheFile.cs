using Microsoft.Win32.SafeHandles;
using RestoreAgents.Files;

namespace RestoreAgents.Caching;

/// <summary>
/// The one file that holds every cache slot (slot i at i × page size). Only written ranges are ever read back;
/// the rest of a page reads as zeros, so a reused slot needs no clearing. Each operation is one body behind a
/// <c>bool async</c> switch: false calls the synchronous file API, for callers that must not wait on a task.
/// The file is 0600 in folders made 0700 (<see cref="OwnerOnlyFiles"/>): it holds the disk's data.
/// </summary>
internal sealed class CacheFile : IDisposable
{
    private readonly FileStream _file;
    private readonly SafeFileHandle _handle;

    public CacheFile(string directory, string cacheName)
    {
        OwnerOnlyFiles.CreateFolder(directory);
        Path = System.IO.Path.Combine(directory, $"{SafeFileName(cacheName)}.{Guid.NewGuid():N}.pagecache");
        // DeleteOnClose: the file goes with the handle, even when the process ends without disposing the cache.
        // The stream only creates the file with its mode; every read and write goes through the handle.
        _file = new FileStream(Path, OwnerOnlyFiles.CreateNew(FileAccess.ReadWrite, FileOptions.DeleteOnClose));
        _handle = _file.SafeFileHandle;
    }

    public string Path { get; }

    public ValueTask WriteAsync(long fileOffset, ReadOnlyMemory<byte> data, bool async)
    {
        if (async) return RandomAccess.WriteAsync(_handle, data, fileOffset);
        RandomAccess.Write(_handle, data.Span, fileOffset);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with the bytes [pageOffset, pageOffset + destination.Length) of the
    /// page in the slot at <paramref name="slotOffset"/>: the <paramref name="written"/> ranges (page-relative,
    /// sorted, inside that window) from the file, zeros everywhere else.
    /// </summary>
    public async ValueTask ReadPageAsync(long slotOffset, long pageOffset, Memory<byte> destination,
        ReadOnlyMemory<LongRange> written, bool async, CancellationToken cancellationToken)
    {
        long cursor = pageOffset;
        for (int i = 0; i < written.Length; i++)
        {
            var range = written.Span[i];
            destination.Span[(int)(cursor - pageOffset)..(int)(range.Start - pageOffset)].Clear();
            var target = destination.Slice((int)(range.Start - pageOffset), (int)range.Length);
            while (!target.IsEmpty)
            {
                long fileOffset = slotOffset + range.End - target.Length;
                int read = async
                    ? await RandomAccess.ReadAsync(_handle, target, fileOffset, cancellationToken).ConfigureAwait(false)
                    : RandomAccess.Read(_handle, target.Span, fileOffset);
                if (read == 0) { target.Span.Clear(); break; }
                target = target[read..];
            }
            cursor = range.End;
        }
        destination.Span[(int)(cursor - pageOffset)..].Clear();
    }

    public void Dispose() => _file.Dispose();

    private static string SafeFileName(string name)
    {
        Span<char> safe = stackalloc char[Math.Min(name.Length, 64)];
        for (int i = 0; i < safe.Length; i++)
            safe[i] = char.IsAsciiLetterOrDigit(name[i]) || name[i] is '-' or '_' ? name[i] : '_';
        return safe.IsEmpty ? "cache" : new string(safe);
    }
}
