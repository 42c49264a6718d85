using RestoreAgents.Caching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RestoreAgents.PseudoDisk.Interop;

namespace RestoreAgents.PseudoDisk;

/// <summary>
/// The pseudo-disk mounted with FUSE: a folder whose files <c>&lt;mount&gt;/&lt;folder&gt;/&lt;disk&gt;</c> are
/// disks being restored, each backed by a <see cref="PageCache"/>. Any tool (dd, qemu-img, the data
/// agent) writes a disk there and it streams up to the page blob; reads come from the cache or the blob.
/// </summary>
/// <example>
/// <code>
/// await using var mount = await PseudoDiskMount.MountAsync("/run/restoreagents/disks");
/// var path = mount.AddDisk("job-42", "disk.vhd", cache);   // "/run/restoreagents/disks/job-42/disk.vhd"
/// // ... dd if=disk.raw of=$path bs=1M conv=notrunc ...
/// mount.RemoveDisk("job-42", "disk.vhd");
/// </code>
/// </example>
public sealed class PseudoDiskMount : IAsyncDisposable
{
    private readonly FuseSession _session;
    private readonly PageCacheFileSystem _fileSystem;
    private readonly Fusermount _fusermount;
    private readonly CancellationTokenSource _stopping;
    private readonly PseudoDiskMountOptions _options;
    private readonly ILogger _logger;
    private readonly bool _createdFolder;
    private int _disposed;

    private PseudoDiskMount(string mountPath, FuseSession session, PageCacheFileSystem fileSystem,
        Fusermount fusermount, CancellationTokenSource stopping, PseudoDiskMountOptions options, ILogger logger,
        bool createdFolder)
    {
        MountPath = mountPath;
        _session = session;
        _fileSystem = fileSystem;
        _fusermount = fusermount;
        _stopping = stopping;
        _options = options;
        _logger = logger;
        _createdFolder = createdFolder;
    }

    /// <summary>The mounted folder (full path).</summary>
    public string MountPath { get; }

    /// <summary>
    /// Completes when the mount stops serving: after <see cref="DisposeAsync"/>, or when it was unmounted from
    /// outside (umount, fusermount3 -u), which a process that holds a mount until a signal should watch for.
    /// </summary>
    public Task Stopped => _session.LoopEnded;

    /// <summary>What the file system has served so far (largest write, bytes, flushes, failures).</summary>
    public PseudoDiskStatistics Statistics => _fileSystem.Statistics;

    /// <summary>
    /// Mounts the pseudo-disk at <paramref name="mountPath"/> (created when missing). A stale mount left there
    /// by a killed process is cleared first (fusermount3 -u -z).
    /// </summary>
    /// <exception cref="PseudoDiskUnavailableException">/dev/fuse, libfuse3 or fusermount3 is missing.</exception>
    /// <exception cref="PseudoDiskMountException">A live mount holds the path, or mounting failed.</exception>
    public static Task<PseudoDiskMount> MountAsync(string mountPath, PseudoDiskMountOptions? options = null,
        ILogger? logger = null, CancellationToken cancellationToken = default) =>
        MountAsync(mountPath, options, logger, new FusePrerequisites(), cancellationToken);

    internal static async Task<PseudoDiskMount> MountAsync(string mountPath, PseudoDiskMountOptions? options,
        ILogger? logger, FusePrerequisites prerequisites, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mountPath);
        ArgumentNullException.ThrowIfNull(prerequisites);
        options ??= new PseudoDiskMountOptions();
        options.Validate();
        logger ??= NullLogger.Instance;
        mountPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(mountPath));

        var fusermount = new Fusermount(prerequisites.Check());
        await new StaleMountCleaner(fusermount, logger).ClearAsync(mountPath, cancellationToken).ConfigureAwait(false);
        bool createdFolder = !Directory.Exists(mountPath);
        Directory.CreateDirectory(mountPath);

        var stopping = new CancellationTokenSource();
        var fileSystem = new PageCacheFileSystem(options.DiskFactory, logger, TimeProvider.System, stopping.Token);
        FuseSession session;
        try
        {
            session = FuseSession.Start(mountPath, fileSystem, options, logger);
        }
        catch
        {
            stopping.Dispose();
            if (createdFolder) TryDeleteFolder(mountPath);
            throw;
        }
        var mount = new PseudoDiskMount(mountPath, session, fileSystem, fusermount, stopping, options, logger,
            createdFolder);
        try
        {
            await mount.WaitUntilServingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await mount.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        PseudoDiskLog.Mounted(logger, mountPath, options.DirectIo);
        return mount;
    }

    /// <summary>Serves <paramref name="cache"/> as <c>&lt;mount&gt;/folder/fileName</c>, of the cache's disk size.</summary>
    /// <param name="folder">The folder (e.g. the job); "" puts the disk in the mount's root.</param>
    /// <returns>The file's full path.</returns>
    /// <exception cref="InvalidDiskNameException">A name breaks <see cref="PseudoDiskNames"/>' rule.</exception>
    /// <exception cref="DiskAlreadyExistsException">The name is taken.</exception>
    public string AddDisk(string folder, string fileName, PageCache cache)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var relative = _fileSystem.AddDisk(folder, fileName, cache);
        return MountPath + relative;
    }

    /// <summary>
    /// Serves a disk the mount's <see cref="IDiskFactory"/> made before (e.g. a page blob found at start) as
    /// <c>&lt;mount&gt;/folder/fileName</c>: like a file created in the mount, deleting it there goes to the
    /// factory, and unmounting flushes it.
    /// </summary>
    /// <returns>The file's full path.</returns>
    /// <exception cref="InvalidOperationException">
    /// The mount has no <see cref="PseudoDiskMountOptions.DiskFactory"/>.
    /// </exception>
    /// <exception cref="InvalidDiskNameException">A name breaks <see cref="PseudoDiskNames"/>' rule.</exception>
    /// <exception cref="DiskAlreadyExistsException">The name is taken.</exception>
    public string AddFactoryDisk(string folder, string fileName, PageCache cache)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var relative = _fileSystem.AddFactoryDisk(folder, fileName, cache);
        return MountPath + relative;
    }

    /// <summary>Stops serving a disk (files still open keep it until closed); false when there was none.</summary>
    public bool RemoveDisk(string folder, string fileName) => _fileSystem.RemoveDisk(folder, fileName);

    /// <summary>
    /// Flushes the factory's files (created in the mount or added with <see cref="AddFactoryDisk"/>), then
    /// unmounts. A mount busy with open files is detached lazily; if its loop has not ended after
    /// <see cref="PseudoDiskMountOptions.UnmountTimeout"/>, waiting writers are woken with EINTR.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        using var flushTimeout = new CancellationTokenSource(_options.UnmountTimeout);
        try
        {
            await _fileSystem.FlushFactoryDisksAsync(flushTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the flush is logged per disk; unmounting must go on
        }

        if (!_session.LoopEnded.IsCompleted)
        {
            if (await _fusermount.UnmountAsync(MountPath, lazy: false).ConfigureAwait(false) is { } busy)
            {
                PseudoDiskLog.UnmountBusy(_logger, MountPath, busy);
                await _fusermount.UnmountAsync(MountPath, lazy: true).ConfigureAwait(false);
            }
            if (!await EndedWithinAsync(_options.UnmountTimeout).ConfigureAwait(false))
            {
                // Something still holds the detached mount and a writer may be waiting for a cache slot.
                await _stopping.CancelAsync().ConfigureAwait(false);
                await EndedWithinAsync(_options.UnmountTimeout).ConfigureAwait(false);
            }
        }
        _session.ReleaseNative();
        _stopping.Dispose();
        if (_createdFolder) TryDeleteFolder(MountPath);
        PseudoDiskLog.Unmounted(_logger, MountPath);
    }

    private async Task<bool> EndedWithinAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(_session.LoopEnded, Task.Delay(timeout)).ConfigureAwait(false);
        return finished == _session.LoopEnded;
    }

    /// <summary>The first stat of the mount waits for the kernel's INIT handshake: then the mount serves.</summary>
    private async Task WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        var probe = Task.Factory.StartNew(() => LibC.StatDevice(MountPath, out _), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var finished = await Task.WhenAny(probe, _session.LoopEnded, Task.Delay(_options.UnmountTimeout, cancellationToken))
            .ConfigureAwait(false);
        int? probeError = finished == probe ? await probe.ConfigureAwait(false) : null;
        if (probeError == 0 && MountTable.Find(MountPath) is { IsFuse: true }) return;
        cancellationToken.ThrowIfCancellationRequested();
        throw new PseudoDiskMountException(MountPath, probeError is { } error
            ? $"the mount does not answer stat (errno {error}) or is not in /proc/self/mountinfo"
            : finished == _session.LoopEnded
                ? $"the FUSE loop ended at once with {await _session.LoopEnded.ConfigureAwait(false)} "
                    + "(libfuse printed why on standard error)"
                : $"the mount did not answer within {_options.UnmountTimeout.TotalSeconds:0} s");
    }

    private static void TryDeleteFolder(string path)
    {
        try
        {
            if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any()) Directory.Delete(path);
        }
        catch (IOException)
        {
            // still busy or detached lazily: an empty folder left behind does no harm
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
