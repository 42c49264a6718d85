using System.Diagnostics;
using RestoreAgents.PseudoDisk.Interop;
using RestoreAgents.Testing;

namespace RestoreAgents.PseudoDisk.Tests;

/// <summary>A process killed with its mount in place must not block the next start at that path.</summary>
[Requires(RealPart.Fuse)]
public sealed class StaleMountTests
{
    [Fact]
    public async Task MountAsync_ClearsTheStaleMount_LeftByAKilledProcess()
    {
        using var work = new TempDirectory("pseudodisk-stale");
        var mountPath = work.Combine("mnt");
        await using var disk = TestDisk.Create(1024 * 1024);
        await using (new MountPointGuard(mountPath))
            await KillAMountedProcessThenMountAgainAsync(work, mountPath, disk);
        Assert.Null(MountTable.Find(mountPath));
    }

    private static async Task KillAMountedProcessThenMountAgainAsync(TempDirectory work, string mountPath, TestDisk disk)
    {
        using (var child = StartMountProcess(mountPath, work.Combine("child")))
        {
            try
            {
                var line = await HangGuard.Within(child.StandardOutput.ReadLineAsync(), "the mount process's first line");
                Assert.True(line?.StartsWith("mounted ", StringComparison.Ordinal) == true,
                    $"the mount process said '{line}': {await ReadErrorsAsync(child)}");
                Assert.True(File.Exists(line!["mounted ".Length..]));
            }
            finally
            {
                child.Kill(); // SIGKILL: no unmount, no cleanup
                await child.WaitForExitAsync();
            }
        }

        // What a killed FUSE daemon leaves: the mount is listed, and every access fails with ENOTCONN.
        Assert.True(MountTable.Find(mountPath) is { IsFuse: true }, "the killed process left no mount to clear");
        Assert.Equal(Errno.ENOTCONN, LibC.StatFileSystem(mountPath));

        await using var mount = await PseudoDiskMount.MountAsync(mountPath);
        var path = mount.AddDisk("job", "disk.vhd", disk.Cache);
        var data = Bytes.Random(4096, seed: 41);
        File.WriteAllBytes(work.Combine("data.bin"), data);
        await Tools.DdAsync(work.Combine("data.bin"), path);
        Assert.Equal(data, Bytes.ReadRange(disk.StorePath, 0, data.Length));
        Assert.Equal(1, File.ReadLines(MountTable.MountInfoPath).Count(l => MountTable.Parse(l)?.MountPoint == mountPath));
    }

    private static Process StartMountProcess(string mountPath, string workFolder)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "RestoreAgents.PseudoDisk.MountProcess.dll");
        Assert.True(File.Exists(program), $"{program} is missing: the test project builds it next to the tests");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var startInfo = new ProcessStartInfo(dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { program, mountPath, workFolder }) startInfo.ArgumentList.Add(argument);
        return Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {program}");
    }

    private static async Task<string> ReadErrorsAsync(Process child)
    {
        if (!child.HasExited) return "(still running)";
        return await child.StandardError.ReadToEndAsync();
    }
}
