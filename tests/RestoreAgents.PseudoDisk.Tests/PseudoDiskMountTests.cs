using RestoreAgents.Caching;
using RestoreAgents.PseudoDisk.Interop;
using RestoreAgents.Testing;

namespace RestoreAgents.PseudoDisk.Tests;

/// <summary>Real FUSE mounts written by real tools; each page blob is a local file the test reads back.</summary>
[Requires(RealPart.Fuse)]
public sealed class PseudoDiskMountTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task Mount_StoresTheSource_WhenDdWritesTheDisk()
    {
        using var work = new TempDirectory("pseudodisk-dd");
        // Not a whole number of MiB: dd's last write is short and the last page partial.
        const long size = 40 * MiB + 7 * 512;
        var source = work.Combine("source.raw");
        await TestDiskImage.CreateAsync(source, size, seed: 11);
        await using var disk = TestDisk.Create(size);
        var log = new RecordingLogger();
        await using (var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"), logger: log))
        {
            var path = mount.AddDisk("job-1", "disk.vhd", disk.Cache);

            await Tools.DdAsync(source, path);

            // dd's close flushed the partial pages: the store is complete the moment dd has exited.
            Bytes.AssertSameFile(source, disk.StorePath);
            Bytes.AssertSameFile(source, path);
            Assert.Equal(size, mount.Statistics.BytesWritten);
            Assert.Equal(0, mount.Statistics.Failures);
        }
        Assert.Empty(log.AtLeast(Microsoft.Extensions.Logging.LogLevel.Warning));
        Assert.Contains(log.Entries, e => e.Message.Contains("unmounted", StringComparison.Ordinal));
    }

    [Requires(RealPart.QemuImg)]
    [Fact]
    public async Task Mount_StoresTheSource_WhenQemuImgConvertsIntoTheExistingDisk()
    {
        using var work = new TempDirectory("pseudodisk-qemu");
        const long size = 24 * MiB + 512;
        var source = work.Combine("source.raw");
        await TestDiskImage.CreateAsync(source, size, seed: 12);
        await using var disk = TestDisk.Create(size);
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"));
        var path = mount.AddDisk("job-2", "disk.vhd", disk.Cache);

        await QemuImg.RunAsync("convert", "-n", "-f", "raw", "-O", "raw", source, path);

        Bytes.AssertSameFile(source, disk.StorePath);
        var compare = await QemuImg.CompareAsync(source, path, "raw", "raw");
        Assert.True(compare.ExitCode == 0, compare.Combined);
    }

    [Fact]
    public async Task Mount_StreamsADiskEightTimesTheCache_WithoutTheCacheFolderGrowingPastItsCapacity()
    {
        using var work = new TempDirectory("pseudodisk-8x");
        const long capacity = 16 * MiB;
        const long size = 8 * capacity + 3 * 512;
        var source = work.Combine("source.raw");
        await TestDiskImage.CreateAsync(source, size, seed: 13, dataFraction: 0.7);
        await using var disk = TestDisk.Create(size, pageSize: 4 * (int)MiB, capacity: capacity);
        var cacheFolder = Path.GetDirectoryName(disk.Cache.CacheFilePath)!;
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"));
        var path = mount.AddDisk("job-3", "disk.vhd", disk.Cache);
        using var sampling = new CancellationTokenSource();
        var largestCacheFolder = Task.Run(() => SampleLargestFolderSize(cacheFolder, sampling.Token));

        await Tools.DdAsync(source, path);
        await sampling.CancelAsync();

        Bytes.AssertSameFile(source, disk.StorePath);
        Assert.InRange(await largestCacheFolder, 1, capacity);
        var statistics = disk.Cache.Statistics;
        Assert.Equal(4, statistics.SlotCount);
        Assert.InRange(statistics.PeakSlotsInUse, 1, statistics.SlotCount);
        Assert.True(statistics.PagesUploaded >= size / (4 * MiB) / 2,
            $"only {statistics.PagesUploaded} pages went up: {statistics}");
    }

    [Fact]
    public async Task Mount_HoldsTheWriter_WhileEverySlotWaitsForTheStore_AndNeverFailsIt()
    {
        using var work = new TempDirectory("pseudodisk-backpressure");
        const long size = 8 * MiB;
        var source = work.Combine("source.raw");
        File.WriteAllBytes(source, Bytes.Random((int)size, seed: 25));
        using var store = new FilePageBlob(work.Combine("disk.store"), size);
        var slowStore = new GatedPageBlob(store);
        await using var cache = new PageCache(new PageCacheOptions
        {
            PageSize = (int)MiB,
            CapacityBytes = 2 * MiB,
            Directory = work.Combine("cache"),
        }, size, slowStore, "backpressure");
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"));
        try
        {
            var path = mount.AddDisk("job", "disk.vhd", cache);

            using var slotWait = new SpanWaiter("RestoreAgents.Caching", "cache.wait_for_slot",
                Telemetry.TelemetryAttributes.CacheName, "backpressure");
            var dd = Tools.DdAsync(source, path);
            await slotWait.Started;
            Assert.False(dd.IsCompleted, "dd finished while the store took no page");
            Assert.Equal(0, mount.Statistics.Failures);
            slowStore.Open();
            await dd;

            Bytes.AssertSameFile(source, store.Path);
        }
        finally
        {
            slowStore.Open(); // also when an assertion failed: the unmount must not wait on the gate
        }
    }

    [Fact]
    public async Task Mount_ReadsUploadedPagesBackFromTheStore_ThroughItsSynchronousRead()
    {
        using var work = new TempDirectory("pseudodisk-read");
        const long size = 32 * MiB;
        var source = work.Combine("source.raw");
        await TestDiskImage.CreateAsync(source, size, seed: 14, dataFraction: 0.8);
        await using var disk = TestDisk.Create(size, capacity: 4 * MiB);
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"));
        var path = mount.AddDisk("job-4", "disk.vhd", disk.Cache);
        await Tools.DdAsync(source, path);
        Assert.Equal(0, disk.Cache.Statistics.SlotsInUse);

        // Every page has left the cache, so each of these bytes comes from the blob.
        Bytes.AssertSameFile(source, path);
        var middle = Bytes.ReadRange(path, 13 * MiB + 333, 3 * (int)MiB);
        Assert.Equal(Bytes.ReadRange(source, 13 * MiB + 333, 3 * (int)MiB), middle);
        Assert.True(mount.Statistics.BytesRead >= size, mount.Statistics.ToString());
        // FUSE threads read the blob with its synchronous call, never by blocking on the asynchronous one.
        Assert.True(disk.Blob.SynchronousReads > 0, "no read reached the blob's synchronous Read");
        Assert.Equal(0, disk.Blob.AsynchronousReads);
    }

    [Fact]
    public async Task Mount_ReadsZeros_WhereNothingWasWritten_AndCachedBytes_WhereAPageIsStillFilling()
    {
        using var work = new TempDirectory("pseudodisk-partial");
        await using var disk = TestDisk.Create(8 * MiB, capacity: 8 * MiB);
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"));
        var path = mount.AddDisk("job-5", "disk.vhd", disk.Cache);
        var data = Bytes.Random(5000, seed: 15);
        disk.Cache.Write(3 * MiB + 100, data); // straight into the cache: a partial page still in its slot

        var read = Bytes.ReadRange(path, 3 * MiB, 6000);

        Assert.All(read[..100], b => Assert.Equal(0, b));
        Assert.Equal(data, read[100..5100]);
        Assert.All(read[5100..], b => Assert.Equal(0, b));
        Assert.All(Bytes.ReadRange(path, 6 * MiB, 4096), b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task Mount_PassesWritesOf1MiB_WhenDdWritesWithBs1M()
    {
        using var work = new TempDirectory("pseudodisk-bigwrites");
        const long size = 16 * MiB;
        var source = work.Combine("source.raw");
        File.WriteAllBytes(source, Bytes.Random((int)size, seed: 16));
        await using var disk = TestDisk.Create(size);
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"));
        var path = mount.AddDisk("job-6", "disk.vhd", disk.Cache);

        await Tools.DdAsync(source, path);

        // libfuse 3.14 negotiates max_write 1 MiB (max_pages 256); a smaller maximum means the kernel cut
        // the writes (see /proc/sys/fs/fuse/max_pages_limit) and every restore pays for it.
        Assert.True(mount.Statistics.LargestWrite >= 128 * 1024, mount.Statistics.ToString());
        Assert.Equal(1024 * 1024, mount.Statistics.LargestWrite);
        Assert.Equal(16, mount.Statistics.Writes);
    }

    [Fact]
    public async Task Mount_RefusesWritesBeyondTheDiskSize_WithFileTooLarge_AndNeverGrowsTheDisk()
    {
        using var work = new TempDirectory("pseudodisk-efbig");
        const long size = 4 * MiB;
        var source = work.Combine("source.raw");
        File.WriteAllBytes(source, Bytes.Random((int)MiB, seed: 17));
        await using var disk = TestDisk.Create(size);
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"));
        var path = mount.AddDisk("job-7", "disk.vhd", disk.Cache);

        var pastTheEnd = await Tools.DdResultAsync(source, path, "seek=4");
        Assert.NotEqual(0, pastTheEnd.ExitCode);
        Assert.Contains("File too large", pastTheEnd.Combined);

        // A write across the end: what fits lands, the rest is refused.
        var data = Bytes.Random(1024, seed: 18);
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write))
        {
            // .NET reports EFBIG as an ArgumentOutOfRangeException ("file length was too large").
            var error = Assert.ThrowsAny<SystemException>(() => RandomAccess.Write(handle, data, size - 512));
            Assert.Contains("too large", error.Message, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal(data[..512], Bytes.ReadRange(path, size - 512, 512));

        Assert.Equal(size, new FileInfo(path).Length);
        Assert.Equal(size, new FileInfo(disk.StorePath).Length);
        var truncate = await ProcessRunner.RunAsync("truncate", ["-s", (size + MiB).ToString(), path]);
        Assert.NotEqual(0, truncate.ExitCode);
        Assert.Equal(size, new FileInfo(path).Length);
    }

    [Fact]
    public async Task Mount_KeepsTheDiskSize_WhenAToolOpensItWithOTrunc()
    {
        using var work = new TempDirectory("pseudodisk-otrunc");
        const long size = 6 * MiB;
        var source = work.Combine("source.raw");
        File.WriteAllBytes(source, Bytes.Random((int)size, seed: 19));
        await using var disk = TestDisk.Create(size);
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"));
        var path = mount.AddDisk("job-8", "disk.vhd", disk.Cache);

        // cp opens the target with O_TRUNC; a disk, like a block device, keeps its size and takes the bytes.
        await Tools.RunAsync("cp", "--sparse=never", source, path);

        Assert.Equal(size, new FileInfo(path).Length);
        Bytes.AssertSameFile(source, disk.StorePath);
    }

    [Fact]
    public async Task Mount_ListsTheRegisteredDisks_WithTheirSizes_AndForgetsRemovedOnes()
    {
        using var work = new TempDirectory("pseudodisk-list");
        await using var first = TestDisk.Create(3 * MiB);
        await using var second = TestDisk.Create(5 * MiB + 512);
        await using var third = TestDisk.Create(MiB);
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"),
            new PseudoDiskMountOptions { AttributeTimeout = TimeSpan.Zero });
        var a = mount.AddDisk("job-a", "disk0.vhd", first.Cache);
        var b = mount.AddDisk("job-a", "disk1.vhd", second.Cache);
        var c = mount.AddDisk("", "loose.raw", third.Cache);

        Assert.Equal(Path.Combine(mount.MountPath, "job-a", "disk0.vhd"), a);
        Assert.Equal(["job-a"], Directory.GetDirectories(mount.MountPath).Select(Path.GetFileName));
        Assert.Equal(["loose.raw"], Directory.GetFiles(mount.MountPath).Select(Path.GetFileName));
        Assert.Equal(["disk0.vhd", "disk1.vhd"],
            Directory.GetFiles(Path.Combine(mount.MountPath, "job-a")).Select(Path.GetFileName).Order());
        Assert.Equal(3 * MiB, new FileInfo(a).Length);
        Assert.Equal(5 * MiB + 512, new FileInfo(b).Length);
        Assert.Equal(MiB, new FileInfo(c).Length);

        Assert.True(mount.RemoveDisk("job-a", "disk0.vhd"));
        Assert.False(File.Exists(a));
        Assert.True(mount.RemoveDisk("job-a", "disk1.vhd"));
        Assert.False(Directory.Exists(Path.Combine(mount.MountPath, "job-a")));
        Assert.False(mount.RemoveDisk("job-a", "disk1.vhd"));
    }

    [Fact]
    public async Task Mount_RefusesToDeleteARegisteredDisk_WhichOnlyItsOwnerRemoves()
    {
        using var work = new TempDirectory("pseudodisk-rm");
        await using var disk = TestDisk.Create(MiB);
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"));
        var path = mount.AddDisk("job-9", "disk.vhd", disk.Cache);

        var rm = await ProcessRunner.RunAsync("rm", ["-f", path]);

        Assert.NotEqual(0, rm.ExitCode);
        Assert.Contains("Operation not permitted", rm.Combined);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Mount_ServesTwoDisksWrittenAtTheSameTime()
    {
        using var work = new TempDirectory("pseudodisk-parallel");
        const long size = 20 * MiB;
        var sourceA = work.Combine("a.raw");
        var sourceB = work.Combine("b.raw");
        await TestDiskImage.CreateAsync(sourceA, size, seed: 21, dataFraction: 0.9);
        await TestDiskImage.CreateAsync(sourceB, size, seed: 22, dataFraction: 0.9);
        await using var diskA = TestDisk.Create(size, capacity: 4 * MiB, name: "a");
        await using var diskB = TestDisk.Create(size, capacity: 4 * MiB, name: "b");
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"));
        var pathA = mount.AddDisk("job-a", "disk.vhd", diskA.Cache);
        var pathB = mount.AddDisk("job-b", "disk.vhd", diskB.Cache);

        await Task.WhenAll(Tools.DdAsync(sourceA, pathA, "bs=256K"), Tools.DdAsync(sourceB, pathB));

        Bytes.AssertSameFile(sourceA, diskA.StorePath);
        Bytes.AssertSameFile(sourceB, diskB.StorePath);
    }

    [Fact]
    public async Task Mount_FlushesPartialPagesOnClose_OnlyForHandlesThatWrote()
    {
        using var work = new TempDirectory("pseudodisk-flush");
        await using var disk = TestDisk.Create(8 * MiB);
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"));
        var path = mount.AddDisk("job-10", "disk.vhd", disk.Cache);
        var data = Bytes.Random(3000, seed: 23);

        using (var reader = File.OpenHandle(path)) RandomAccess.Read(reader, new byte[4096], 0);
        Assert.Equal(0, mount.Statistics.CacheFlushes);

        using (var writer = File.OpenHandle(path, FileMode.Open, FileAccess.Write))
            RandomAccess.Write(writer, data, 2 * MiB + 17);

        // The close uploaded the partial page: it is in the store now, not only in the cache.
        Assert.True(mount.Statistics.CacheFlushes >= 1, mount.Statistics.ToString());
        Assert.Equal(data, Bytes.ReadRange(disk.StorePath, 2 * MiB + 17, data.Length));
    }

    [Fact]
    public async Task AddDisk_RefusesATakenName()
    {
        using var work = new TempDirectory("pseudodisk-taken");
        await using var disk = TestDisk.Create(MiB);
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"));
        mount.AddDisk("job", "disk.vhd", disk.Cache);

        var error = Assert.Throws<DiskAlreadyExistsException>(() => mount.AddDisk("job", "disk.vhd", disk.Cache));
        Assert.Contains("/job/disk.vhd", error.Message);
    }

    [Fact]
    public async Task DisposeAsync_Unmounts_AndRemovesTheFolderItCreated()
    {
        using var work = new TempDirectory("pseudodisk-dispose");
        var mountPath = work.Combine("mnt");
        await using (var mount = await PseudoDiskMount.MountAsync(mountPath))
        {
            Assert.NotNull(MountTable.Find(mountPath));
        }

        Assert.Null(MountTable.Find(mountPath));
        Assert.False(Directory.Exists(mountPath));
    }

    [Fact]
    public async Task DisposeAsync_DetachesABusyMount_AndFinishesWhenTheLastFileCloses()
    {
        using var work = new TempDirectory("pseudodisk-busy");
        await using var disk = TestDisk.Create(MiB);
        var mountPath = work.Combine("mnt");
        var mount = await PseudoDiskMount.MountAsync(mountPath,
            new PseudoDiskMountOptions { UnmountTimeout = TimeSpan.FromSeconds(30) });
        Task disposing;
        var open = File.OpenHandle(mount.AddDisk("job", "disk.vhd", disk.Cache), FileMode.Open, FileAccess.ReadWrite);
        try
        {
            disposing = mount.DisposeAsync().AsTask();
            // Detached at once: the path no longer leads into the pseudo-disk while the file is still open.
            await MountTableChanges.WaitUntilAsync(() => MountTable.Find(mountPath) is null, "the busy mount's detach");
            RandomAccess.Write(open, Bytes.Random(512, seed: 24), 0);
        }
        finally
        {
            open.Dispose();
        }

        await HangGuard.Within(disposing, "the detached mount to finish once its last file closed");
        Assert.Equal(Bytes.Random(512, seed: 24), Bytes.ReadRange(disk.StorePath, 0, 512));
    }

    [Fact]
    public async Task MountAsync_Refuses_WhenALiveMountHoldsThePath()
    {
        using var work = new TempDirectory("pseudodisk-live");
        var mountPath = work.Combine("mnt");
        await using var first = await PseudoDiskMount.MountAsync(mountPath);
        var error = await Assert.ThrowsAsync<PseudoDiskMountException>(() => PseudoDiskMount.MountAsync(mountPath));

        Assert.Contains("already mounted", error.Message);
        Assert.Contains(mountPath, error.Message);
        Assert.NotNull(MountTable.Find(mountPath)); // the live mount was left alone
    }

    private static long SampleLargestFolderSize(string folder, CancellationToken stop)
    {
        long largest = 0;
        while (!stop.IsCancellationRequested)
        {
            long total = 0;
            try
            {
                foreach (var file in new DirectoryInfo(folder).EnumerateFiles()) total += file.Length;
            }
            catch (IOException)
            {
                // a file went away between listing and stat
            }
            largest = Math.Max(largest, total);
            Thread.Sleep(1);
        }
        return largest;
    }
}
