using System.CommandLine;
using RestoreAgents.Cli.Mount;
using RestoreAgents.Cloud;
using RestoreAgents.Caching;
using RestoreAgents.PseudoDisk;

namespace RestoreAgents.Cli.Commands;

/// <summary>
/// `restorectl mount`: shows a container's page blobs as files in a FUSE folder, so any tool (dd, qemu-img
/// convert, cp) reads them or writes new ones straight into the cloud through a page cache. It stays in the
/// foreground; Ctrl+C or SIGTERM uploads what is left, unmounts, and exits 0.
/// </summary>
public sealed class MountCommand : Command
{
    public const long DefaultCacheSize = PageCacheOptions.DefaultCapacityBytes;

    private readonly CliEnvironment _environment;
    private readonly DestinationOptions _container;
    private readonly Option<long?> _pageSize = CommonOptions.PageSize("default 4MiB");
    private readonly Option<long?> _cacheSize = CommonOptions.Size("--cache-size",
        "Local page cache of each file (default 256MiB); a file may be far larger than its cache.");
    private readonly Option<DirectoryInfo> _cacheDirectory = new("--cache-dir")
    {
        Description = "Folder of the page cache files (default: a new restorectl-mount-<random> folder in the temp folder, private to you, removed at unmount).",
        HelpName = "DIR",
    };
    private readonly Option<bool> _createContainer = new("--create-container")
    {
        Description = "Create the container if it does not exist (needs a connection string).",
    };
    private readonly Argument<DirectoryInfo> _mountPoint = new("MOUNTPOINT")
    {
        Description = "Folder to mount the container at (created when missing).",
    };

    public MountCommand(CliEnvironment environment)
        : base("mount", "Mount a container as a folder: each page blob is a file; a new file, once it has a size "
            + "(truncate -s, qemu-img convert), is a new page blob. Runs until Ctrl+C or SIGTERM.")
    {
        ArgumentNullException.ThrowIfNull(environment);
        _environment = environment;
        _container = new DestinationOptions(environment, withBlob: false);
        _container.AddTo(this);
        Options.Add(_pageSize);
        Options.Add(_cacheSize);
        Options.Add(_cacheDirectory);
        Options.Add(_createContainer);
        Arguments.Add(_mountPoint);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (_, container) = _container.ResolveContainer(parseResult);
        if (container.OnlyBlob is not null)
            throw new CliUsageException("mount shows a whole container: give a container's SAS URL, not a blob's");
        var cacheOptions = CacheOptions(parseResult);
        var mountPoint = MountPointPath(parseResult.GetRequiredValue(_mountPoint));
        var log = new MountLog(_environment);

        if (parseResult.GetValue(_createContainer))
        {
            if (!container.CanBeCreated)
                throw new CliUsageException("--create-container needs a connection string: a SAS cannot create "
                    + "its container");
            if (await container.CreateIfMissingAsync(cancellationToken).ConfigureAwait(false))
                log.Info($"created container '{container.Name}'");
        }
        // Listing first: a wrong container or credential fails before anything is mounted.
        IReadOnlyList<ContainerBlob> blobs;
        try
        {
            blobs = await container.ListBlobsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CloudDestinationException e) when (e.Failure == CloudFailure.ContainerNotFound)
        {
            throw new CliTargetException(container.CanBeCreated
                ? $"container '{container.Name}' does not exist: give --create-container to create it"
                : $"container '{container.Name}' does not exist, and a SAS URL cannot create it: create it first "
                  + "(mount --create-container with a connection string)", e);
        }
        bool createdCacheFolder = !Directory.Exists(cacheOptions.Directory);
        var factory = new CloudDiskFactory(container, cacheOptions, log);
        try
        {
            var existing = await OpenExistingAsync(blobs, factory, log, cancellationToken).ConfigureAwait(false);
            var mount = await PseudoDiskMount.MountAsync(mountPoint,
                new PseudoDiskMountOptions { DiskFactory = factory }, log, cancellationToken).ConfigureAwait(false);
            try
            {
                var description = $"container '{container.Name}' at {mount.MountPath} (page size "
                    + $"{ByteSize.Format(cacheOptions.PageSize)}, cache {ByteSize.Format(cacheOptions.CapacityBytes)} "
                    + $"per file in {cacheOptions.Directory})";
                await ServeAsync(mount, existing, description, log, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Flushes every file of the factory, then unmounts.
                await mount.DisposeAsync().ConfigureAwait(false);
            }
            // No cancellation from here: the signal asked for exactly this, and a second one ends the process.
            bool complete = await factory.FinishAsync(CancellationToken.None).ConfigureAwait(false);
            log.Info($"unmounted {mountPoint}");
            return complete ? ExitCodes.Success : ExitCodes.OtherError;
        }
        finally
        {
            await factory.DisposeAsync().ConfigureAwait(false);
            if (createdCacheFolder) TryDeleteEmptyFolder(cacheOptions.Directory);
        }
    }

    /// <summary>Shows the existing blobs, says the mount is ready, and waits for Ctrl+C, SIGTERM or an umount.</summary>
    private static async Task ServeAsync(PseudoDiskMount mount,
        IReadOnlyList<(BlobDiskPath Path, PageCache Cache)> existing, string description, MountLog log,
        CancellationToken cancellationToken)
    {
        foreach (var (path, cache) in existing)
        {
            if (TryAdd(mount, path, cache, log) is { } file)
                log.Info($"page blob '{path.BlobName}' ({ByteSize.Format(cache.DiskSize)}) is {file}");
        }
        log.Info($"mounted {description}; stop with Ctrl+C or SIGTERM");

        var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = cancellationToken.Register(() => signalled.TrySetResult());
        if (await Task.WhenAny(mount.Stopped, signalled.Task).ConfigureAwait(false) == mount.Stopped)
            log.Warning($"{mount.MountPath} was unmounted from outside; uploading what is left");
        else
            log.Info($"stopping: uploading what is left and unmounting {mount.MountPath}");
    }

    /// <summary>Opens the page blobs that can be files; the rest are skipped with a warning each.</summary>
    private static async Task<List<(BlobDiskPath Path, PageCache Cache)>> OpenExistingAsync(
        IReadOnlyList<ContainerBlob> blobs, CloudDiskFactory factory, MountLog log, CancellationToken cancellationToken)
    {
        var opened = new List<(BlobDiskPath, PageCache)>();
        foreach (var blob in blobs)
        {
            if (!blob.IsPageBlob)
            {
                log.Warning($"skipping {blob.Type} blob '{blob.Name}': only page blobs are disks");
                continue;
            }
            if (BlobDiskPath.From(blob.Name, out var problem) is not { } path)
            {
                log.Warning($"skipping page blob '{blob.Name}': {problem}");
                continue;
            }
            try
            {
                opened.Add((path, await factory.OpenDiskAsync(path, cancellationToken).ConfigureAwait(false)));
            }
            catch (CloudDestinationException e) when (e.Failure == CloudFailure.BlobNotFound)
            {
                log.Warning($"skipping page blob '{blob.Name}': it was deleted while the mount started");
            }
        }
        return opened;
    }

    /// <summary>Shows an opened blob as a file; its path, or null when the name is taken (warned).</summary>
    private static string? TryAdd(PseudoDiskMount mount, BlobDiskPath path, PageCache cache, MountLog log)
    {
        try
        {
            return mount.AddFactoryDisk(path.Folder, path.FileName, cache);
        }
        catch (DiskAlreadyExistsException)
        {
            // Blobs "a" and "a/b": the file "a" and the folder "a" cannot both be.
            log.Warning($"skipping page blob '{path.BlobName}': a file or folder of that name is already shown");
            return null;
        }
    }

    private PageCacheOptions CacheOptions(ParseResult parseResult)
    {
        var pageSize = parseResult.GetValue(_pageSize) ?? PageCacheOptions.DefaultPageSize;
        var cacheSize = parseResult.GetValue(_cacheSize) ?? DefaultCacheSize;
        if (cacheSize < pageSize)
            throw new CliUsageException(
                $"--cache-size {ByteSize.Format(cacheSize)} is smaller than one page of {ByteSize.Format(pageSize)}");
        if (cacheSize / pageSize > PageCache.MaxSlotCount)
            throw new CliUsageException($"--cache-size {ByteSize.Format(cacheSize)} makes more than "
                + $"{PageCache.MaxSlotCount} pages of {ByteSize.Format(pageSize)}: "
                + "give a larger --page-size");
        // The default is a fresh, unguessable name: a fixed shared path in /tmp could be made first by another user
        // (or be a symlink of theirs); the cache creates its folder 0700 and it goes when the mount ends.
        var directory = parseResult.GetValue(_cacheDirectory)?.FullName
            ?? Path.Combine(Path.GetTempPath(), $"restorectl-mount-{Guid.NewGuid():N}");
        if (File.Exists(directory))
            throw new CliUsageException($"--cache-dir {directory} is a file, not a folder");
        return new PageCacheOptions { PageSize = (int)pageSize, CapacityBytes = cacheSize, Directory = directory };
    }

    private static string MountPointPath(DirectoryInfo mountPoint)
    {
        var path = Path.TrimEndingDirectorySeparator(mountPoint.FullName);
        if (File.Exists(path))
            throw new CliUsageException($"mount point {path} is a file, not a folder");
        for (var parent = Path.GetDirectoryName(path); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
                throw new CliUsageException($"mount point {path} cannot be created: {parent} is a file");
        }
        return path;
    }

    private static void TryDeleteEmptyFolder(string path)
    {
        try
        {
            if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any()) Directory.Delete(path);
        }
        catch (IOException)
        {
            // another mount's cache files appeared meanwhile: the folder stays
        }
    }
}
