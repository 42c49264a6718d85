namespace RestoreAgents.Testing;

/// <summary>One small ext4 disk (<see cref="Ext4TestDisk"/>) per test class or collection, deleted afterwards.
/// Tests make their image variants from <see cref="Raw"/> in folders of their own.</summary>
public sealed class Ext4DiskFixture : IAsyncLifetime
{
    public const long Size = 64L * 1024 * 1024;

    private readonly TempDirectory _folder = new("ext4-disk");

    public string Raw => _folder.Combine("ext4.raw");

    public Task InitializeAsync() => Ext4TestDisk.CreateAsync(Raw, Size, seed: 12);

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
