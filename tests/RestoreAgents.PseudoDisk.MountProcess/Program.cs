using RestoreAgents.Caching;
using RestoreAgents.PseudoDisk;
using RestoreAgents.Testing;

// RestoreAgents.PseudoDisk.MountProcess MOUNT_PATH WORK_FOLDER
// Mounts a pseudo-disk with one 16 MiB disk at MOUNT_PATH/job/disk.vhd, prints "mounted <disk path>", and
// waits until its standard input closes (or it is killed, which is what the tests do).
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: RestoreAgents.PseudoDisk.MountProcess MOUNT_PATH WORK_FOLDER");
    return 2;
}
const long DiskSize = 16L * 1024 * 1024;
Directory.CreateDirectory(args[1]);
using var blob = new FilePageBlob(Path.Combine(args[1], "disk.blob"), DiskSize);
await using var cache = new PageCache(new PageCacheOptions
{
    PageSize = 1024 * 1024,
    CapacityBytes = 4L * 1024 * 1024,
    Directory = Path.Combine(args[1], "cache"),
}, DiskSize, blob, "mount-process");
await using var mount = await PseudoDiskMount.MountAsync(args[0]);
var path = mount.AddDisk("job", "disk.vhd", cache);
Console.WriteLine($"mounted {path}");
await Console.In.ReadToEndAsync();
return 0;
