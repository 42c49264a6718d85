using Microsoft.Extensions.DependencyInjection;
using RestoreAgents.DataAgent.Disks;
using RestoreAgents.Protocol.V1;
using RestoreAgents.PseudoDisk.Interop;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// DataAgent:PseudoDisk: restores go through the FUSE pseudo-disk by default, straight into the cache with
/// "direct", and a FUSE mode that cannot mount fails the job naming why, never falling back in silence.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse, RealPart.QemuImg)]
[Collection(AgentsCollection.Name)]
public sealed class PseudoDiskModeTests(AgentsFixture agents)
{
    private const uint MiB = 1024 * 1024;
    private readonly RestoreDriver _driver = new(agents);

    [Fact]
    public async Task Restore_DefaultFuseMode_WritesThroughTheMountAndEqualsTheSource()
    {
        var image = Path.Combine(agents.WorkPath, "through-fuse.raw");
        await TestDiskImage.CreateAsync(image, 24L * MiB + 4096, seed: 21, dataFraction: 0.7);
        var copy = await _driver.BackupAsync(image, "through-fuse", blockSize: 64 * 1024);
        var pseudoDisk = agents.DataAgentServices.GetRequiredService<FuseRestoreDiskFactory>();
        var before = pseudoDisk.Statistics?.BytesWritten ?? 0;

        var result = await _driver.RestoreAsync(_driver.Request("through-fuse", "through-fuse.vhd", MiB, 4 * MiB));

        Assert.True(result.State == RestoreState.Completed, result.Error);
        Assert.True(result.Verified);
        // Every byte the media agent sent went through the kernel into the mounted file system, none around it.
        Assert.Equal(copy.AllocatedBytes, (pseudoDisk.Statistics?.BytesWritten ?? 0) - before);
        Assert.True(MountTable.Find(agents.MountPath) is { IsFuse: true }, $"no FUSE mount at {agents.MountPath}");
        // The job's folder leaves the mount before the job reports its end (a listing asks the file system itself).
        Assert.DoesNotContain(result.JobId, Directory.EnumerateFileSystemEntries(agents.MountPath).Select(Path.GetFileName));
        var compare = await QemuImg.CompareAsync(image, await _driver.DownloadAsync("through-fuse.vhd"), "raw", "vpc");
        Assert.True(compare.ExitCode == 0, compare.Combined);
    }

    [Fact]
    public async Task Restore_DirectMode_NeverMountsAndEqualsTheSource()
    {
        using var folder = new TempDirectory("direct-agent");
        var unusedMount = folder.Combine("mount");
        await using var dataAgent = await agents.StartDataAgentAsync(folder.Combine("cache"),
            "--DataAgent:PseudoDisk=direct", $"--DataAgent:MountPath={unusedMount}");
        var image = Path.Combine(agents.WorkPath, "direct.raw");
        await TestDiskImage.CreateAsync(image, 16L * MiB, seed: 22, dataFraction: 0.5);
        await _driver.BackupAsync(image, "direct");

        var result = await _driver.RestoreAsync(_driver.Request("direct", "direct.vhd", MiB, 2 * MiB),
            new Uri(dataAgent.Urls.Single()));

        Assert.True(result.State == RestoreState.Completed, result.Error);
        Assert.False(MountTable.Find(unusedMount) is { IsFuse: true });
        Assert.False(Directory.Exists(unusedMount));
        var compare = await QemuImg.CompareAsync(image, await _driver.DownloadAsync("direct.vhd"), "raw", "vpc");
        Assert.True(compare.ExitCode == 0, compare.Combined);
    }

    [Fact]
    public async Task Restore_FuseModeThatCannotMount_FailsNamingTheMountPathAndTheWayOut()
    {
        using var folder = new TempDirectory("unmountable-agent");
        // A file where the mount folder should be: mounting cannot work, and must not fall back to direct.
        var notAFolder = folder.Combine("mount");
        await File.WriteAllTextAsync(notAFolder, "not a folder");
        await using var dataAgent = await agents.StartDataAgentAsync(folder.Combine("cache"),
            $"--DataAgent:MountPath={notAFolder}");
        var image = Path.Combine(agents.WorkPath, "unmountable.raw");
        await TestDiskImage.CreateAsync(image, 4L * MiB, seed: 23);
        await _driver.BackupAsync(image, "unmountable");

        var result = await _driver.RestoreAsync(_driver.Request("unmountable", "unmountable.vhd", MiB, 2 * MiB),
            new Uri(dataAgent.Urls.Single()));

        Assert.Equal(RestoreState.Failed, result.State);
        Assert.Contains(notAFolder, result.Error);
        Assert.Contains("DataAgent:PseudoDisk=direct", result.Error);
        Assert.Equal(0ul, result.PagesUploaded);
        // Every job would fail the same way, so the agent tells controllers it does not serve.
        using var channel = agents.ChannelTo(dataAgent);
        var health = await new Grpc.Health.V1.Health.HealthClient(channel)
            .CheckAsync(new Grpc.Health.V1.HealthCheckRequest());
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.NotServing, health.Status);
    }
}
