using System.Collections.Concurrent;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RestoreAgents.PageCache;

namespace RestoreAgents.PseudoDisk;

/// <summary>
/// The pseudo-disk's file system: <c>/&lt;folder&gt;/&lt;disk&gt;</c> files (or disks in the root), each a
/// <see cref="PageCache.PageCache"/>. A disk behaves like a block device: its size is fixed, O_TRUNC leaves it
/// as it is, and a write past its end fails with EFBIG. Files created in the mount get their cache from the
/// <see cref="IDiskFactory"/> when truncate first gives them a size.
/// </summary>
/// <remarks>
/// One lock guards the names; reads and writes go through the handle and take no lock of this class. A close
/// after writes and every fsync flush the disk's partial pages, so a tool that closed the file has its data in
/// the store; a close without writes (a reader, a probing tool) flushes nothing.
/// </remarks>
public sealed class PageCacheFileSystem : IPseudoDiskFileSystem
{
    /// <summary>The largest disk a factory may be asked for: 8 TiB, the largest Azure page blob.</summary>
    public const long MaxCreatedDiskSize = 8L << 40;

    private const int MaxPathChars = 1024;

    private readonly IDiskFactory? _factory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationToken _stopping;
    private readonly Lock _gate = new();
    private readonly DiskFolder _root;
    private readonly Dictionary<string, DiskFolder> _folders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ulong, OpenDiskHandle> _handles = new();
    private long _nextHandle;
    private long _reads;
    private long _bytesRead;
    private long _writes;
    private long _bytesWritten;
    private int _largestWrite;
    private long _cacheFlushes;
    private long _failures;

    /// <param name="factory">Makes caches for files created in the mount; null refuses creating files (EACCES).</param>
    /// <param name="logger">Where failed operations are logged.</param>
    /// <param name="timeProvider">Clock for file times.</param>
    /// <param name="stopping">Cancelled when the mount goes away: wakes writers waiting for a cache slot.</param>
    public PageCacheFileSystem(IDiskFactory? factory = null, ILogger? logger = null, TimeProvider? timeProvider = null,
        CancellationToken stopping = default)
    {
        _factory = factory;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _stopping = stopping;
        _root = new DiskFolder("", madeInMount: false, _time.GetUtcNow());
    }

    public PseudoDiskStatistics Statistics => new()
    {
        Reads = Interlocked.Read(ref _reads),
        BytesRead = Interlocked.Read(ref _bytesRead),
        Writes = Interlocked.Read(ref _writes),
        BytesWritten = Interlocked.Read(ref _bytesWritten),
        LargestWrite = Volatile.Read(ref _largestWrite),
        CacheFlushes = Interlocked.Read(ref _cacheFlushes),
        Failures = Interlocked.Read(ref _failures),
    };

    /// <summary>Serves <paramref name="cache"/> as <c>/folder/fileName</c> (folder "" for the root).</summary>
    /// <returns>The file's path inside the pseudo-disk, e.g. "/job-1/disk.vhd".</returns>
    /// <exception cref="InvalidDiskNameException">A name breaks <see cref="PseudoDiskNames"/>' rule.</exception>
    /// <exception cref="DiskAlreadyExistsException">The name is taken.</exception>
    public string AddDisk(string folder, string fileName, PageCache.PageCache cache) =>
        AddDisk(folder, fileName, cache, ownedByFactory: false);

    /// <summary>
    /// Serves a disk the <see cref="IDiskFactory"/> made outside the mount (e.g. a page blob that was already
    /// there) as <c>/folder/fileName</c>: like a file created in the mount, it may be deleted there through the
    /// factory, and it is flushed at unmount.
    /// </summary>
    /// <returns>The file's path inside the pseudo-disk.</returns>
    /// <exception cref="InvalidOperationException">The file system has no factory.</exception>
    /// <exception cref="InvalidDiskNameException">A name breaks <see cref="PseudoDiskNames"/>' rule.</exception>
    /// <exception cref="DiskAlreadyExistsException">The name is taken.</exception>
    public string AddFactoryDisk(string folder, string fileName, PageCache.PageCache cache)
    {
        if (_factory is null)
            throw new InvalidOperationException($"disk '{fileName}' is the factory's, but this file system has none");
        return AddDisk(folder, fileName, cache, ownedByFactory: true);
    }

    private string AddDisk(string folder, string fileName, PageCache.PageCache cache, bool ownedByFactory)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(cache);
        if (folder.Length != 0) PseudoDiskNames.Validate(folder, "folder");
        PseudoDiskNames.Validate(fileName, "disk file");

        var file = new DiskFile(folder, fileName, cache, ownedByFactory, _time.GetUtcNow());
        lock (_gate)
        {
            DiskFolder target;
            if (folder.Length == 0)
            {
                target = _root;
                if (_folders.ContainsKey(fileName)) throw new DiskAlreadyExistsException(file.Path);
            }
            else if (!_folders.TryGetValue(folder, out target!))
            {
                if (_root.Files.ContainsKey(folder)) throw new DiskAlreadyExistsException($"/{folder}");
                target = new DiskFolder(folder, madeInMount: false, _time.GetUtcNow());
                _folders.Add(folder, target);
            }
            if (!target.Files.TryAdd(fileName, file)) throw new DiskAlreadyExistsException(file.Path);
        }
        return file.Path;
    }

    /// <summary>Stops serving a disk; handles still open keep it until closed. False when there was none.</summary>
    public bool RemoveDisk(string folder, string fileName)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(fileName);
        lock (_gate) return RemoveLocked(folder, fileName) is not null;
    }

    /// <summary>Flushes every file of the factory (it owns their caches, the mount their data).</summary>
    internal async Task FlushFactoryDisksAsync(CancellationToken cancellationToken)
    {
        List<DiskFile> created;
        lock (_gate)
            created = [.. _folders.Values.Prepend(_root).SelectMany(f => f.Files.Values).Where(f => f.OwnedByFactory)];
        foreach (var file in created)
        {
            if (file.Cache is not { } cache) continue;
            try
            {
                await cache.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is PageUploadException or ObjectDisposedException)
            {
                PseudoDiskLog.FlushAtUnmountFailed(_logger, file.Path, e);
            }
        }
    }

    public int GetAttributes(ReadOnlySpan<byte> path, ulong handle, out PseudoDiskNode node)
    {
        node = default;
        if (handle != 0 && _handles.TryGetValue(handle, out var open))
        {
            node = open.File.ToNode();
            return 0;
        }
        lock (_gate)
        {
            int result = ResolveLocked(path, out var folder, out var file);
            if (result != 0) return result;
            node = file?.ToNode() ?? folder!.ToNode();
            return 0;
        }
    }

    public int ReadDirectory(ReadOnlySpan<byte> path, List<PseudoDiskDirectoryEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_gate)
        {
            int result = ResolveLocked(path, out var folder, out var file);
            if (result != 0) return result;
            if (file is not null) return -Errno.ENOTDIR;
            if (ReferenceEquals(folder, _root))
            {
                foreach (var child in _folders.Values) entries.Add(new(child.Name, child.ToNode()));
            }
            foreach (var child in folder!.Files.Values) entries.Add(new(child.Name, child.ToNode()));
            return 0;
        }
    }

    public int Open(ReadOnlySpan<byte> path, PseudoDiskOpenMode mode, out ulong handle)
    {
        handle = 0;
        DiskFile? file;
        lock (_gate)
        {
            int result = ResolveLocked(path, out _, out file);
            if (result != 0) return result;
            if (file is null) return -Errno.EISDIR;
        }
        // PseudoDiskOpenMode.Truncate is ignored on purpose: like a block device, a disk keeps its size.
        handle = AddHandle(file, mode.HasFlag(PseudoDiskOpenMode.Write));
        return 0;
    }

    public int Create(ReadOnlySpan<byte> path, out ulong handle)
    {
        handle = 0;
        DiskFile file;
        lock (_gate)
        {
            int result = ResolveParentLocked(path, out var folder, out var name);
            if (result != 0) return result;
            if (_factory is null) return -Errno.EACCES;
            if (folder.Files.ContainsKey(name) || (ReferenceEquals(folder, _root) && _folders.ContainsKey(name)))
                return -Errno.EEXIST;
            file = new DiskFile(folder.Name, name, cache: null, ownedByFactory: true, _time.GetUtcNow());
            folder.Files.Add(name, file);
        }
        handle = AddHandle(file, canWrite: true);
        return 0;
    }

    public int Read(ReadOnlySpan<byte> path, ulong handle, long offset, Span<byte> buffer)
    {
        if (!_handles.TryGetValue(handle, out var open)) return -Errno.EBADF;
        if (offset < 0) return -Errno.EINVAL;
        var cache = open.File.Cache;
        if (cache is null || offset >= cache.DiskSize) return 0;
        try
        {
            int read = cache.Read(offset, buffer, _stopping);
            Interlocked.Increment(ref _reads);
            Interlocked.Add(ref _bytesRead, read);
            return read;
        }
        catch (Exception e)
        {
            return Fail("read", open.File, e);
        }
    }

    public int Write(ReadOnlySpan<byte> path, ulong handle, long offset, ReadOnlySpan<byte> data)
    {
        if (!_handles.TryGetValue(handle, out var open) || !open.CanWrite) return -Errno.EBADF;
        if (offset < 0) return -Errno.EINVAL;
        if (data.IsEmpty) return 0;
        var cache = open.File.Cache;
        long size = cache?.DiskSize ?? 0;
        // The disk never grows: what fits is written (a short write), and a write at the end fails.
        if (cache is null || offset >= size) return -Errno.EFBIG;
        int count = (int)Math.Min(data.Length, size - offset);
        try
        {
            // Blocks while every cache slot is taken: the kernel holds the writer, nothing is dropped.
            cache.Write(offset, data[..count], _stopping);
        }
        catch (Exception e)
        {
            return Fail("write", open.File, e);
        }
        open.MarkDirty();
        open.File.Touch(_time.GetUtcNow());
        Interlocked.Increment(ref _writes);
        Interlocked.Add(ref _bytesWritten, count);
        RecordLargestWrite(data.Length);
        return count;
    }

    public int Truncate(ReadOnlySpan<byte> path, ulong handle, long length)
    {
        if (length < 0) return -Errno.EINVAL;
        DiskFile? file;
        if (handle != 0 && _handles.TryGetValue(handle, out var open))
        {
            file = open.File;
        }
        else
        {
            lock (_gate)
            {
                int result = ResolveLocked(path, out _, out file);
                if (result != 0) return result;
                if (file is null) return -Errno.EISDIR;
            }
        }

        lock (file.SizeGate)
        {
            if (file.Cache is { } cache)
            {
                if (length == cache.DiskSize) return 0;
                return length > cache.DiskSize ? -Errno.EFBIG : -Errno.EINVAL;
            }
            if (length == 0) return 0;
            if (!file.OwnedByFactory || _factory is null) return -Errno.EACCES;
            if (length % PageCacheOptions.SectorSize != 0) return -Errno.EINVAL;
            if (length > MaxCreatedDiskSize) return -Errno.EFBIG;
            try
            {
                // The factory may create a page blob: a FUSE thread has nothing else to do meanwhile.
                var created = _factory.CreateDiskAsync(file.Folder, file.Name, length, _stopping)
                    .AsTask().GetAwaiter().GetResult();
                if (created.DiskSize != length)
                    throw new InvalidOperationException(
                        $"the disk factory made a cache of {created.DiskSize} bytes for '{file.Path}', not {length}");
                file.Cache = created;
                file.Touch(_time.GetUtcNow());
                return 0;
            }
            catch (Exception e)
            {
                return Fail("truncate", file, e);
            }
        }
    }

    public int Flush(ReadOnlySpan<byte> path, ulong handle)
    {
        if (!_handles.TryGetValue(handle, out var open)) return -Errno.EBADF;
        return open.TakeDirty() ? FlushCache("flush", open.File) : 0;
    }

    public int Sync(ReadOnlySpan<byte> path, ulong handle)
    {
        if (!_handles.TryGetValue(handle, out var open)) return -Errno.EBADF;
        open.TakeDirty();
        return FlushCache("fsync", open.File);
    }

    public int Release(ReadOnlySpan<byte> path, ulong handle)
    {
        if (!_handles.TryRemove(handle, out var open)) return -Errno.EBADF;
        // Normally the close's flush already uploaded everything; this catches writes that came after it.
        return open.TakeDirty() ? FlushCache("release", open.File) : 0;
    }

    public int Unlink(ReadOnlySpan<byte> path)
    {
        DiskFile? file;
        lock (_gate)
        {
            int result = ResolveLocked(path, out _, out file);
            if (result != 0) return result;
            if (file is null) return -Errno.EISDIR;
            // A registered disk belongs to its restore: only its owner removes it (RemoveDisk).
            if (!file.OwnedByFactory) return -Errno.EPERM;
            RemoveLocked(file.Folder, file.Name);
        }
        if (file.Cache is not { } cache || _factory is null) return 0;
        try
        {
            _factory.DeleteDiskAsync(file.Folder, file.Name, cache, _stopping).AsTask().GetAwaiter().GetResult();
            return 0;
        }
        catch (Exception e)
        {
            return Fail("unlink", file, e);
        }
    }

    public int CreateDirectory(ReadOnlySpan<byte> path)
    {
        lock (_gate)
        {
            int result = ResolveParentLocked(path, out var parent, out var name);
            if (result != 0) return result;
            // Folders hold disks; a disk does not hold folders.
            if (!ReferenceEquals(parent, _root)) return -Errno.EACCES;
            if (_factory is null) return -Errno.EACCES;
            if (_folders.ContainsKey(name) || _root.Files.ContainsKey(name)) return -Errno.EEXIST;
            _folders.Add(name, new DiskFolder(name, madeInMount: true, _time.GetUtcNow()));
            return 0;
        }
    }

    public int RemoveDirectory(ReadOnlySpan<byte> path)
    {
        lock (_gate)
        {
            int result = ResolveLocked(path, out var folder, out var file);
            if (result != 0) return result;
            if (file is not null) return -Errno.ENOTDIR;
            if (ReferenceEquals(folder, _root)) return -Errno.EACCES;
            if (folder!.Files.Count != 0) return -Errno.ENOTEMPTY;
            _folders.Remove(folder.Name);
            return 0;
        }
    }

    public int SetTimes(ReadOnlySpan<byte> path, ulong handle, DateTimeOffset? lastAccess, DateTimeOffset? lastWrite)
    {
        DiskFile? file;
        if (handle != 0 && _handles.TryGetValue(handle, out var open))
        {
            file = open.File;
        }
        else
        {
            lock (_gate)
            {
                int result = ResolveLocked(path, out _, out file);
                if (result != 0) return result;
            }
        }
        if (file is not null && lastWrite is { } time) file.Touch(time);
        return 0;
    }

    public int GetVolumeInfo(out PseudoDiskVolumeInfo volume)
    {
        long total = 0;
        lock (_gate)
        {
            foreach (var folder in _folders.Values.Prepend(_root))
                foreach (var file in folder.Files.Values)
                    total += file.Length;
        }
        volume = new PseudoDiskVolumeInfo(total, _factory is null ? 0 : MaxCreatedDiskSize,
            PageCacheOptions.SectorSize * 8, PseudoDiskNames.MaxNameBytes);
        return 0;
    }

    private ulong AddHandle(DiskFile file, bool canWrite)
    {
        var handle = (ulong)Interlocked.Increment(ref _nextHandle);
        _handles[handle] = new OpenDiskHandle(file, canWrite);
        return handle;
    }

    private int FlushCache(string operation, DiskFile file)
    {
        if (file.Cache is not { } cache) return 0;
        try
        {
            // Partial pages go up now; a FUSE thread waits for the uploads as close(2) or fsync(2) waits for it.
            cache.FlushAsync(_stopping).GetAwaiter().GetResult();
            Interlocked.Increment(ref _cacheFlushes);
            return 0;
        }
        catch (Exception e)
        {
            return Fail(operation, file, e);
        }
    }

    private int Fail(string operation, DiskFile file, Exception exception)
    {
        Interlocked.Increment(ref _failures);
        PseudoDiskLog.OperationFailed(_logger, operation, file.Path, exception);
        return exception switch
        {
            OperationCanceledException when _stopping.IsCancellationRequested => -Errno.EINTR,
            // On Linux an IOException from a system call carries its errno: a full cache disk reaches the writer
            // as ENOSPC, which says what to do, rather than as EIO.
            IOException { HResult: > 0 and <= MaxErrno } io => -io.HResult,
            _ => -Errno.EIO,
        };
    }

    /// <summary>The largest errno Linux defines is below this; an IOException's HResult above it is no errno.</summary>
    private const int MaxErrno = 4095;

    private void RecordLargestWrite(int length)
    {
        int seen = Volatile.Read(ref _largestWrite);
        while (length > seen)
        {
            int previous = Interlocked.CompareExchange(ref _largestWrite, length, seen);
            if (previous == seen) return;
            seen = previous;
        }
    }

    private DiskFile? RemoveLocked(string folderName, string fileName)
    {
        var folder = folderName.Length == 0 ? _root : _folders.GetValueOrDefault(folderName);
        if (folder is null || !folder.Files.Remove(fileName, out var file)) return null;
        if (!ReferenceEquals(folder, _root) && !folder.MadeInMount && folder.Files.Count == 0)
            _folders.Remove(folderName);
        return file;
    }

    /// <summary>Finds what a path names: the root or a folder (file null), or a file.</summary>
    private int ResolveLocked(ReadOnlySpan<byte> path, out DiskFolder? folder, out DiskFile? file)
    {
        folder = null;
        file = null;
        Span<char> chars = stackalloc char[MaxPathChars];
        int result = Decode(path, chars, out var text);
        if (result != 0) return result;
        if (text.IsEmpty)
        {
            folder = _root;
            return 0;
        }
        int slash = text.IndexOf('/');
        var first = slash < 0 ? text : text[..slash];
        if ((result = CheckLookupName(first)) != 0) return result;
        if (slash < 0)
        {
            if (_folders.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(first, out folder)) return 0;
            return _root.Files.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(first, out file)
                ? 0
                : -Errno.ENOENT;
        }
        var second = text[(slash + 1)..];
        if ((result = CheckLookupName(second)) != 0) return result;
        if (!_folders.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(first, out folder))
            return _root.Files.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(first)
                ? -Errno.ENOTDIR
                : -Errno.ENOENT;
        return folder.Files.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(second, out file) ? 0 : -Errno.ENOENT;
    }

    /// <summary>Splits a path for creating something: the folder it goes in and its (valid) new name.</summary>
    private int ResolveParentLocked(ReadOnlySpan<byte> path, out DiskFolder parent, out string name)
    {
        parent = _root;
        name = "";
        Span<char> chars = stackalloc char[MaxPathChars];
        int result = Decode(path, chars, out var text);
        if (result != 0) return result;
        int slash = text.LastIndexOf('/');
        var last = slash < 0 ? text : text[(slash + 1)..];
        if ((result = PseudoDiskNames.Check(last)) != 0) return result;
        if (slash >= 0)
        {
            var folderName = text[..slash];
            if (folderName.Contains('/')) return -Errno.EACCES;
            if (!_folders.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(folderName, out parent!))
                return _root.Files.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(folderName)
                    ? -Errno.ENOTDIR
                    : -Errno.ENOENT;
        }
        name = last.ToString();
        return 0;
    }

    /// <summary>A name too long for the rule is ENAMETOOLONG even on lookup, as on ext4; other bad names are absent.</summary>
    private static int CheckLookupName(ReadOnlySpan<char> name)
    {
        int result = PseudoDiskNames.Check(name);
        return result == -Errno.ENAMETOOLONG ? result : result == 0 ? 0 : -Errno.ENOENT;
    }

    /// <summary>The path as text without its leading "/"; invalid UTF-8 is EINVAL.</summary>
    private static int Decode(ReadOnlySpan<byte> path, Span<char> buffer, out ReadOnlySpan<char> text)
    {
        text = default;
        if (path.IsEmpty || path[0] != (byte)'/') return -Errno.ENOENT;
        if (path.Length > buffer.Length) return -Errno.ENAMETOOLONG;
        if (Utf8.ToUtf16(path[1..], buffer, out _, out int written, replaceInvalidSequences: false)
            != System.Buffers.OperationStatus.Done)
            return -Errno.EINVAL;
        text = buffer[..written];
        return 0;
    }
}
