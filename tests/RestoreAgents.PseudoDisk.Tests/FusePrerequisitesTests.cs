using System.Runtime.InteropServices;
using RestoreAgents.PseudoDisk.Interop;
using RestoreAgents.Testing;

namespace RestoreAgents.PseudoDisk.Tests;

public sealed class FusePrerequisitesTests
{
    [Requires(RealPart.Fuse)]
    [Fact]
    public void Check_FindsDevFuseLibfuse3AndFusermount3_OnThisHost()
    {
        var fusermount = new FusePrerequisites().Check();

        Assert.EndsWith("/fusermount3", fusermount);
    }

    [Fact]
    public async Task MountAsync_NamesEveryMissingPart_AndTheDebianPackages()
    {
        using var work = new TempDirectory("pseudodisk-missing");
        var host = new FusePrerequisites(work.Combine("no-dev-fuse"), "libfuse3-not-here.so.3", "fusermount3-not-here",
            searchPath: work.Path);

        var error = await Assert.ThrowsAsync<PseudoDiskUnavailableException>(() =>
            PseudoDiskMount.MountAsync(work.Combine("mnt"), null, null, host, CancellationToken.None));

        Assert.Equal(3, error.MissingParts.Count);
        Assert.Contains("no-dev-fuse is missing", error.Message);
        Assert.Contains("libfuse3-not-here.so.3 cannot be loaded (Debian package libfuse3-3)", error.Message);
        Assert.Contains("fusermount3-not-here is not on PATH (Debian package fuse3)", error.Message);
        Assert.Contains("apt-get install fuse3 libfuse3-3", error.Message);
        Assert.False(Directory.Exists(work.Combine("mnt")));
    }

    [Theory]
    [InlineData(Architecture.Arm64)]
    [InlineData(Architecture.X86)]
    [InlineData(Architecture.RiscV64)]
    public async Task MountAsync_Refuses_OnAnArchitectureWhoseLayoutWasNotChecked(Architecture architecture)
    {
        using var work = new TempDirectory("pseudodisk-arch");
        var host = new FusePrerequisites(architecture: architecture);

        var mounting = PseudoDiskMount.MountAsync(work.Combine("mnt"), null, null, host, CancellationToken.None);
        var refusal = await Record.ExceptionAsync(() => mounting);
        if (mounting.IsCompletedSuccessfully) await (await mounting).DisposeAsync(); // the check failed: no stale mount

        var error = Assert.IsType<PseudoDiskUnavailableException>(refusal);
        Assert.Contains($"cannot be mounted on {architecture} Linux", error.Message);
        Assert.Contains("checked on X64 Linux only", error.Message);
        Assert.Contains("DataAgent:PseudoDisk=direct", error.Message);
        Assert.DoesNotContain("apt-get", error.Message); // no package fixes this
        Assert.False(Directory.Exists(work.Combine("mnt")));
    }
}
