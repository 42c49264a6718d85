using Microsoft.Extensions.Logging;
using RestoreAgents.Caching;
using RestoreAgents.Testing;

namespace RestoreAgents.PseudoDisk.Tests;

/// <summary>
/// The pseudo-disk's disks hold restored data: its folders are 0700 and its disks 0600 to whoever looks, the
/// kernel enforces that for other users when the mount lets them in (allow_other), and a write waiting in a cache
/// whose restore was cancelled ends at once with ECANCELED.
/// </summary>
[Requires(RealPart.Fuse)]
public sealed class PseudoDiskAccessTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task Mount_ShowsItsFolders0700_AndItsDisks0600()
    {
        using var work = new TempDirectory("pseudodisk-modes");
        await using var disk = TestDisk.Create(4 * MiB);
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"));

        var path = mount.AddDisk("job-1", "disk.vhd", disk.Cache);

        Assert.Equal(FileModes.OwnerOnlyFolder, FileModes.Of(mount.MountPath));
        Assert.Equal(FileModes.OwnerOnlyFolder, FileModes.Of(Path.GetDirectoryName(path)!));
        Assert.Equal(FileModes.OwnerOnlyFile, FileModes.Of(path));
    }

    [Requires(RealPart.Root)]
    [Fact]
    public async Task Mount_ThatLetsOtherUsersIn_HasTheKernelRefuseThemTheDisks()
    {
        using var work = new TempDirectory("pseudodisk-other-user");
        // The folders above the mount are open to all: only the mount's own modes may stop the other user.
        FileModes.Set(work.Path, FileModes.OwnerOnlyFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        await using var disk = TestDisk.Create(4 * MiB);
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"),
            new PseudoDiskMountOptions { AllowOther = true });
        var path = mount.AddDisk("job-1", "disk.vhd", disk.Cache);

        var listing = await ProcessRunner.RunAsync("runuser", ["-u", "nobody", "--", "ls", mount.MountPath]);
        var reading = await ProcessRunner.RunAsync("runuser", ["-u", "nobody", "--", "head", "-c", "1", path]);

        Assert.True(listing.ExitCode != 0 && listing.Combined.Contains("Permission denied"), listing.Combined);
        Assert.True(reading.ExitCode != 0 && reading.Combined.Contains("Permission denied"), reading.Combined);
        Assert.Equal(1, (await ProcessRunner.RunAsync("head", ["-c", "1", path])).StandardOutput.Length);
    }

    [Fact]
    public async Task Write_WaitingForASlot_EndsWithECANCELED_WhenTheCacheIsCancelled_AndTheWriterGetsTheError()
    {
        using var work = new TempDirectory("pseudodisk-cancel");
        using var store = new FilePageBlob(work.Combine("disk.store"), 8 * MiB);
        var stalledCloud = new GatedPageBlob(store); // never opened: every Put Page waits until cancelled
        await using var cache = new PageCache(new PageCacheOptions
        {
            PageSize = (int)MiB,
            CapacityBytes = 2 * MiB,
            Directory = work.Combine("cache"),
        }, 8 * MiB, stalledCloud, "cancelled");
        var log = new RecordingLogger();
        await using var mount = await PseudoDiskMount.MountAsync(work.Combine("mnt"), logger: log);
        var path = mount.AddDisk("job", "disk.vhd", cache);
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        var data = Bytes.Random((int)(3 * MiB), seed: 5);
        // Two pages fill both slots and go up (to wait on the cloud); the third waits for a slot on a FUSE thread.
        using var slotWait = new SpanWaiter("RestoreAgents.Caching", "cache.wait_for_slot",
            Telemetry.TelemetryAttributes.CacheName, "cancelled");
        var writing = Task.Factory.StartNew(() => RandomAccess.Write(file, data, 0), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await slotWait.Started;
        }
        catch (TimeoutException)
        {
            // Cancelled before the file's close, which would otherwise wait for the stalled uploads for ever.
            cache.Cancel();
            throw;
        }

        cache.Cancel();

        // The write takes no token: only the errno ECANCELED becomes this exception in .NET (EINTR would be retried).
        await Assert.ThrowsAsync<OperationCanceledException>(() => HangGuard.Within(writing, "the write to end"));
        // The waiting write at least; the kernel may have more of the pwrite's requests in flight, each refused.
        Assert.NotEqual(0, mount.Statistics.Failures);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("was cancelled"));
        Assert.Empty(log.AtLeast(LogLevel.Error));
    }
}
