using RestoreAgents.Caching;

namespace RestoreAgents.PseudoDisk;

// The file system operations FUSE (or a Dokan host) calls: each answers 0 or a negative errno, never throws.
public sealed partial class PageCacheFileSystem
{
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
            if (length % PageBlobRules.SectorSize != 0) return -Errno.EINVAL;
            if (length > PageBlobRules.MaxBlobBytes) return -Errno.EFBIG;
            try
            {
                // The factory may create a page blob, with synchronous calls: this is a FUSE thread.
                var created = _factory.CreateDisk(file.Folder, file.Name, length, _stopping);
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
            _factory.DeleteDisk(file.Folder, file.Name, cache, _stopping);
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
        volume = new PseudoDiskVolumeInfo(total, _factory is null ? 0 : PageBlobRules.MaxBlobBytes,
            PageBlobRules.SectorSize * 8, PseudoDiskNames.MaxNameBytes);
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
            cache.Flush(_stopping);
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
        if (exception is OperationCanceledException && !_stopping.IsCancellationRequested)
        {
            // The disk's restore was given up (PageCache.Cancel): the writer is told so, not retried. EINTR would
            // make the C library write again, into a cache that refuses every write.
            PseudoDiskLog.OperationCancelled(_logger, operation, file.Path);
            return -Errno.ECANCELED;
        }
        PseudoDiskLog.OperationFailed(_logger, operation, file.Path, exception);
        return exception switch
        {
            OperationCanceledException => -Errno.EINTR,
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
}
