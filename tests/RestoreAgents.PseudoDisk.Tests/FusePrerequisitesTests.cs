using RestoreAgents.PseudoDisk.Interop;
using RestoreAgents.Testing;

namespace RestoreAgents.PseudoDisk.Tests;

public sealed class FusePrerequisitesTests
{
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
}
