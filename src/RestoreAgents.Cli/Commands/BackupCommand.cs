using System.CommandLine;
using RestoreAgents.Cli.Rendering;
using RestoreAgents.Store;

namespace RestoreAgents.Cli.Commands;

/// <summary>
/// `restorectl backup`: reads a disk image (raw, VHD, VHDX, VMDK or qcow2, told by its content) and writes it into a
/// secondary-copy store on this machine (only allocated data read, zero blocks omitted, the rest deduplicated and
/// zstd-compressed), then prints what it read and stored.
/// </summary>
public sealed class BackupCommand : Command
{
    public const int MaxBlockSize = 64 * 1024 * 1024;

    private readonly CliEnvironment _environment;
    private readonly Option<DirectoryInfo> _store = new("--store")
    {
        Description = "Folder of the secondary-copy store (created if missing); the media agent serves it.",
        HelpName = "DIR",
        Required = true,
    };
    private readonly Option<FileInfo> _image = new("--image")
    {
        Description = "Disk image to back up: raw, VHD (fixed, dynamic, differencing), VHDX, VMDK or qcow2; "
            + "the format is read from the content, parents and backing files are found beside it.",
        HelpName = "FILE",
        Required = true,
    };
    private readonly Option<string> _name = new("--name")
    {
        Description = "Name of the new copy: letters, digits, '.', '-' or '_'.",
        HelpName = "NAME",
        Required = true,
    };
    private readonly Option<long?> _blockSize = CommonOptions.Size("--block-size",
        "Unit of dedup and zero detection: a multiple of 4KiB up to 64MiB (default 1MiB).",
        (size, _) => size % 4096 == 0 && size <= MaxBlockSize
            ? null
            : $"block size {size} is not a multiple of 4096 between 4096 and {MaxBlockSize} (64 MiB)");

    public BackupCommand(CliEnvironment environment)
        : base("backup", "Back up a disk image (raw, VHD, VHDX, VMDK, qcow2) into a secondary-copy store on this machine.")
    {
        ArgumentNullException.ThrowIfNull(environment);
        _environment = environment;
        Options.Add(_store);
        Options.Add(_image);
        Options.Add(_name);
        Options.Add(_blockSize);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var image = parseResult.GetRequiredValue(_image);
        if (!image.Exists)
            throw new FileNotFoundException($"disk image {image.FullName} does not exist", image.FullName);
        var name = parseResult.GetRequiredValue(_name);
        var store = new SecondaryCopyStore(parseResult.GetRequiredValue(_store).FullName);
        var options = new BackupOptions();
        if (parseResult.GetValue(_blockSize) is { } blockSize)
            options.BlockSize = (int)blockSize;

        var view = new BackupProgressView(_environment);
        var started = _environment.TimeProvider.GetTimestamp();
        CopyManifest copy;
        try
        {
            copy = await view.ShowAsync(name, progress =>
                new BackupWriter(store).BackupAsync(image.FullName, name, options, progress, cancellationToken))
                .ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException(e.Message, e); // the copy name or the block size
        }
        WriteSummary(copy, view.Last, _environment.TimeProvider.GetElapsedTime(started), store.RootPath);
        return ExitCodes.Success;
    }

    private void WriteSummary(CopyManifest copy, BackupProgress? last, TimeSpan took, string storePath)
    {
        var output = _environment.Output;
        var speed = took.TotalSeconds > 0 ? $" ({RestoreProgressText.MiBPerSecond(copy.DiskSize / took.TotalSeconds)} MiB/s)" : "";
        output.WriteLine($"copy {copy.Name} backed up into {storePath} in {RestoreProgressText.Duration(took)}{speed}");
        output.WriteLine($"  disk {ByteSize.Format(copy.DiskSize)} ({copy.SourceFormat}), "
            + $"allocated {ByteSize.Format(copy.AllocatedBytes)}, zeros skipped {ByteSize.Format(last?.ZeroBytes ?? 0)}");
        output.WriteLine($"  read {ByteSize.Format(last?.ImageBytesRead ?? 0)} of image files (allocation tables and data); "
            + $"{ByteSize.Format(last?.UnallocatedBytes ?? 0)} unallocated in the image, not read");
        output.WriteLine($"  stored {ByteSize.Format(last?.BytesStored ?? 0)} after dedup and compression "
            + $"({last?.DedupHits ?? 0} blocks already in the store), block size {ByteSize.Format(copy.BlockSize)}");
    }
}
