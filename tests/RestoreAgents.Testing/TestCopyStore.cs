using RestoreAgents.Store;

namespace RestoreAgents.Testing;

/// <summary>
/// A secondary-copy store in a temporary folder, holding copies backed up by the real <see cref="BackupWriter"/>
/// from images the test writes: what a media agent serves, without qemu-img or a real backup host.
/// </summary>
public sealed class TestCopyStore : IDisposable
{
    private readonly TempDirectory _folder = new("copy-store");

    public TestCopyStore()
    {
        Directory.CreateDirectory(StorePath);
        Store = new SecondaryCopyStore(StorePath);
    }

    public string StorePath => _folder.Combine("store");

    public SecondaryCopyStore Store { get; }

    /// <summary>The image a copy was backed up from.</summary>
    public string ImagePath(string copyName) => _folder.Combine(copyName + ".raw");

    /// <summary>Writes <paramref name="image"/> as a raw disk and backs it up as <paramref name="copyName"/>.</summary>
    public async Task<CopyManifest> BackUpAsync(string copyName, byte[] image, int blockSize = 1024 * 1024)
    {
        await File.WriteAllBytesAsync(ImagePath(copyName), image);
        return await BackUpImageAsync(copyName, blockSize);
    }

    /// <summary>Backs up a generated disk of <paramref name="size"/> bytes (see <see cref="TestDiskImage"/>).</summary>
    public async Task<CopyManifest> BackUpAsync(string copyName, long size, int seed, int blockSize = 1024 * 1024)
    {
        await TestDiskImage.CreateAsync(ImagePath(copyName), size, seed);
        return await BackUpImageAsync(copyName, blockSize);
    }

    private Task<CopyManifest> BackUpImageAsync(string copyName, int blockSize) =>
        new BackupWriter(Store).BackupAsync(ImagePath(copyName), copyName, new BackupOptions { BlockSize = blockSize },
            progress: null, CancellationToken.None);

    public void Dispose() => _folder.Dispose();
}
