using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RestoreAgents.Caching;

namespace RestoreAgents.PseudoDisk;

/// <summary>
/// The pseudo-disk's file system: <c>/&lt;folder&gt;/&lt;disk&gt;</c> files (or disks in the root), each a
/// <see cref="PageCache"/>. A disk behaves like a block device: its size is fixed, O_TRUNC leaves it
/// as it is, and a write past its end fails with EFBIG. Files created in the mount get their cache from the
/// <see cref="IDiskFactory"/> when truncate first gives them a size.
/// </summary>
/// <remarks>
/// One lock guards the names; reads and writes go through the handle and take no lock of this class. A close
/// after writes and every fsync flush the disk's partial pages, so a tool that closed the file has its data in
/// the store; a close without writes (a reader, a probing tool) flushes nothing.
/// </remarks>
public sealed partial class PageCacheFileSystem : IPseudoDiskFileSystem
{
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
    public string AddDisk(string folder, string fileName, PageCache cache) =>
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
    public string AddFactoryDisk(string folder, string fileName, PageCache cache)
    {
        if (_factory is null)
            throw new InvalidOperationException($"disk '{fileName}' is the factory's, but this file system has none");
        return AddDisk(folder, fileName, cache, ownedByFactory: true);
    }

    private string AddDisk(string folder, string fileName, PageCache cache, bool ownedByFactory)
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

    private DiskFile? RemoveLocked(string folderName, string fileName)
    {
        var folder = folderName.Length == 0 ? _root : _folders.GetValueOrDefault(folderName);
        if (folder is null || !folder.Files.Remove(fileName, out var file)) return null;
        if (!ReferenceEquals(folder, _root) && !folder.MadeInMount && folder.Files.Count == 0)
            _folders.Remove(folderName);
        return file;
    }
}
