using RestoreAgents.Caching;
namespace RestoreAgents.PseudoDisk;

/// <summary>
/// A file of the pseudo-disk: a disk registered with its cache, a disk the <see cref="IDiskFactory"/> made before
/// the mount, or a file created in the mount that gets its cache from the factory when it is given a size.
/// </summary>
internal sealed class DiskFile(string folder, string name, PageCache? cache, bool ownedByFactory,
    DateTimeOffset created)
{
    private long _lastWriteTicks = created.UtcTicks;

    public string Folder { get; } = folder;

    public string Name { get; } = name;

    /// <summary>Null until a file created in the mount is given its size.</summary>
    public PageCache? Cache { get; set; } = cache;

    /// <summary>
    /// The factory owns its cache (created in the mount, or added as the factory's): it may be deleted in the
    /// mount, through the factory, and the mount flushes it at unmount.
    /// </summary>
    public bool OwnedByFactory { get; } = ownedByFactory;

    /// <summary>Serialises giving a new file its size, which calls the factory.</summary>
    public Lock SizeGate { get; } = new();

    public long Length => Cache?.DiskSize ?? 0;

    public string Path => Folder.Length == 0 ? $"/{Name}" : $"/{Folder}/{Name}";

    public DateTimeOffset LastWriteTime => new(Interlocked.Read(ref _lastWriteTicks), TimeSpan.Zero);

    public void Touch(DateTimeOffset time) => Interlocked.Exchange(ref _lastWriteTicks, time.UtcTicks);

    public PseudoDiskNode ToNode() => new(PseudoDiskNodeKind.File, Length, LastWriteTime);
}
