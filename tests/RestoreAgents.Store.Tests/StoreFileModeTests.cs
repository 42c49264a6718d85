namespace RestoreAgents.Store.Tests;

/// <summary>A store holds disk data: its chunks and manifests are 0600, its folders 0700, from the moment they exist.</summary>
public sealed class StoreFileModeTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    [Fact]
    public async Task Backup_WritesChunksAndManifest0600_InFolders0700_TheStoreFolderIncluded()
    {
        var image = _folder.Combine("vm.raw");
        await TestDiskImage.CreateAsync(image, 2L << 20, seed: 1, dataFraction: 1.0);
        var store = new SecondaryCopyStore(_folder.Combine("new-store"));

        await new BackupWriter(store).BackupAsync(image, "vm", new BackupOptions { BlockSize = 64 * 1024 }, null,
            CancellationToken.None);

        var files = FileModes.AssertOwnerOnly(store.RootPath);
        Assert.True(files > 2, $"the backup wrote {files} files: a manifest and no chunks?");
        Assert.True(File.Exists(Path.Combine(store.RootPath, "copies", "vm.json")));
    }

    public void Dispose() => _folder.Dispose();
}
