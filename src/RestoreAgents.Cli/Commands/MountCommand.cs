using System.CommandLine;
using RestoreAgents.Cli.Mount;
using RestoreAgents.Cloud;
using RestoreAgents.PageCache;
using RestoreAgents.PseudoDisk;

namespace RestoreAgents.Cli.Commands;

/// <summary>
/// `restorectl mount MOUNTPOINT`: a container as a FUSE file system for any tool. Files are page blobs; a file
/// created and given a size (truncate, qemu-img convert) becomes a page blob, and what is written goes up page
/// by page through a small cache. Runs until Ctrl+C or SIGTERM, then uploads what is left and unmounts.
/// </summary>
public sealed class MountCommand : Command
{
    private readonly CliEnvironment _environment;
    private readonly DestinationOptions _container;
    private readonly Argument<DirectoryInfo> _mountPoint = new("MOUNTPOINT")
    {
        Description = "Folder to mount the container at (created when missing).",
    };
    private readonly Option<long?> _pageSize = CommonOptions.Size("--page-size",
        "Cloud page size: a multiple of 512 up to 4MiB (default 4MiB).", RestoreCommand.PageSizeProblem);
    private readonly Option<long?> _cacheSize = CommonOptions.Size("--cache-size",
        "Local page cache per open disk (default 256MiB).");
    private readonly Option<DirectoryInfo> _cacheDirectory = new("--cache-dir")
    {
        Description = "Folder of the page cache files (default: a new folder under the system's temp folder).",
        HelpName = "DIR",
    };

    public MountCommand(CliEnvironment environment)
        : base("mount", "Mount a container of page blobs as a file system (FUSE) until Ctrl+C or SIGTERM.")
    {
        ArgumentNullException.ThrowIfNull(environment);
        _environment = environment;
        _container = new DestinationOptions(environment, withBlob: false);
        _container.AddTo(this);
        Arguments.Add(_mountPoint);
        Options.Add(_pageSize);
        Options.Add(_cacheSize);
        Options.Add(_cacheDirectory);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var container = _container.Resolve(parseResult);
        var mountPoint = parseResult.GetRequiredValue(_mountPoint).FullName;
        var ownCacheFolder = parseResult.GetValue(_cacheDirectory) is null;
        var cacheDirectory = parseResult.GetValue(_cacheDirectory)?.FullName
            ?? Path.Combine(Path.GetTempPath(), $"restorectl-mount-{Environment.ProcessId}");
        var cacheOptions = new PageCacheOptions
        {
            PageSize = (int)(parseResult.GetValue(_pageSize) ?? PageCacheOptions.DefaultPageSize),
            CapacityBytes = parseResult.GetValue(_cacheSize) ?? PageCacheOptions.DefaultCapacityBytes,
            Directory = cacheDirectory,
        };
        var log = TextWriter.Synchronized(_environment.Output);

        await using var disks = new ContainerDisks(container, new PageBlobStoreOptions(), cacheOptions, log);
        int failed;
        try
        {
            int existing = await disks.OpenExistingAsync(cancellationToken);
            await using (var mount = await PseudoDiskMount.MountAsync(mountPoint,
                new PseudoDiskMountOptions { DiskFactory = disks }, new WriterLogger(log), CancellationToken.None))
            {
                disks.ServeExisting(mount);
                log.WriteLine($"mounted container '{container.ContainerName}' at {mountPoint} ({existing} page "
                    + "blobs); Ctrl+C or SIGTERM uploads what is left and unmounts");
                await WaitForStopAsync(cancellationToken);
                log.WriteLine($"unmounting {mountPoint}");
            }
            failed = await disks.FlushAllAsync(CancellationToken.None);
        }
        finally
        {
            if (ownCacheFolder && Directory.Exists(cacheDirectory)) Directory.Delete(cacheDirectory, recursive: true);
        }
        log.WriteLine(failed == 0 ? $"unmounted {mountPoint}; every page is in the cloud"
            : $"unmounted {mountPoint}; {failed} page blobs are not complete (see above)");
        return failed == 0 ? ExitCodes.Success : ExitCodes.OtherError;
    }

    private static async Task WaitForStopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM: the normal way to end a mount.
        }
    }
}
