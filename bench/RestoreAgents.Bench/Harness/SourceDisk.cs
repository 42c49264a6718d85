using RestoreAgents.Caching;
using RestoreAgents.Store;
using RestoreAgents.Testing;

namespace RestoreAgents.Bench.Harness;

/// <summary>
/// The one disk every contender restores: made by scripts/make-demo-disk (MBR + ext4 holding real files), backed
/// up into a secondary-copy store the media agent serves, and described for the report and the checks.
/// </summary>
public sealed record SourceDisk(
    string ImagePath,
    string StorePath,
    string CopyName,
    long DiskSize,
    long AllocatedBytes,
    long FileSystemBytes,
    IReadOnlyList<ByteRange> DataExtents)
{
    /// <summary>The page blob's data area: the disk rounded up to a whole MiB, as Azure wants a VHD.</summary>
    public long DataSize => PageBlobRules.RoundUpToVhdAlignment(DiskSize);

    public const string HowMade =
        "scripts/make-demo-disk: an MBR partition table and one ext4 partition holding copies of /usr/include, "
        + "/usr/share/doc and /etc of the bench host, the rest never written (a sparse file); backed up with the "
        + "store's default 1 MiB blocks (all-zero blocks are not stored and never travel)";

    public static async Task<SourceDisk> CreateAsync(string folder, int sizeMib, CancellationToken cancellationToken)
    {
        var image = Path.Combine(folder, "disk.raw");
        var script = Path.Combine(RepoPaths.Root, "scripts", "make-demo-disk");
        await RunCheckedAsync(script, [image, sizeMib.ToString()], TimeSpan.FromMinutes(10), cancellationToken);

        var store = Path.Combine(folder, "store");
        const string copyName = "bench-disk";
        var copy = await new BackupWriter(new SecondaryCopyStore(store))
            .BackupAsync(image, copyName, new BackupOptions(), null, cancellationToken);
        return new SourceDisk(image, store, copyName, copy.DiskSize, copy.AllocatedBytes,
            await AllocatedFileBytesAsync(image, cancellationToken), copy.AllocatedExtents);
    }

    /// <summary>The bytes of a sparse file that the file system really holds (st_blocks × 512).</summary>
    public static async Task<long> AllocatedFileBytesAsync(string path, CancellationToken cancellationToken) =>
        long.Parse((await RunCheckedAsync("stat", ["-c", "%b", path], TimeSpan.FromSeconds(30), cancellationToken))
            .Trim()) * 512;

    private static async Task<string> RunCheckedAsync(string program, string[] arguments, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(program, arguments, timeout, cancellationToken: cancellationToken);
        if (result.ExitCode != 0)
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Combined.Trim()}");
        return result.StandardOutput;
    }
}
