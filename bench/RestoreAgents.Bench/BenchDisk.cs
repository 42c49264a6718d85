using RestoreAgents.Store;

namespace RestoreAgents.Bench;

/// <summary>
/// The disk every contender restores: the raw image, its copy in the store, and the cloud pages that hold data
/// (the pages a restore uploads; all-zero pages never travel on any path).
/// </summary>
internal sealed class BenchDisk
{
    private BenchDisk(string imagePath, CopyManifest copy, IReadOnlyList<long> dataPages, string sha256)
    {
        ImagePath = imagePath;
        Copy = copy;
        DataPages = dataPages;
        Sha256 = sha256;
    }

    public string ImagePath { get; }
    public CopyManifest Copy { get; }
    public long Size => Copy.DiskSize;
    public long AllocatedBytes => Copy.AllocatedBytes;

    /// <summary>Offsets of the cloud pages with any data in them.</summary>
    public IReadOnlyList<long> DataPages { get; }

    public string Sha256 { get; }

    public static async Task<BenchDisk> BackUpAsync(string imagePath, string storePath, int pageSize)
    {
        var writer = new BackupWriter(new SecondaryCopyStore(storePath));
        var copy = await writer.BackupAsync(imagePath, "bench-disk", new BackupOptions(), null, CancellationToken.None);
        var pages = new SortedSet<long>();
        foreach (var extent in copy.AllocatedExtents)
        {
            for (long page = extent.Offset / pageSize * pageSize; page < extent.Offset + extent.Length; page += pageSize)
                pages.Add(page);
        }
        return new BenchDisk(imagePath, copy, [.. pages], copy.DiskSha256);
    }
}
