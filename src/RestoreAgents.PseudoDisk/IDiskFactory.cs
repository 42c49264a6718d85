using RestoreAgents.Caching;
namespace RestoreAgents.PseudoDisk;

/// <summary>
/// Makes the page caches behind files that are created inside a mount: a file created with open(O_CREAT) has no
/// size; the first truncate/ftruncate to a length gives it one, and then the mount asks the factory for a cache
/// of that size (a cloud-backed factory creates a page blob there). The factory owns what it makes, and the disks
/// it made before the mount and added with <see cref="PseudoDiskMount.AddFactoryDisk"/>.
/// </summary>
/// <remarks>
/// Both members are called on a FUSE worker thread, so they are synchronous all the way down (a cloud factory
/// uses the storage SDK's synchronous calls): a FUSE thread must not block on asynchronous I/O.
/// </remarks>
public interface IDiskFactory
{
    /// <summary>A new file got its size: return the cache its bytes go to (<paramref name="size"/> is a multiple of 512).</summary>
    /// <param name="folder">The folder of the file; "" for the mount's root.</param>
    PageCache CreateDisk(string folder, string fileName, long size, CancellationToken cancellationToken);

    /// <summary>A file this factory made was deleted from the mount: drop its cache and what backs it.</summary>
    void DeleteDisk(string folder, string fileName, PageCache cache, CancellationToken cancellationToken);
}
