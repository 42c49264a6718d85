using RestoreAgents.PseudoDisk.Interop;

namespace RestoreAgents.PseudoDisk.Tests;

public sealed class MountTableTests
{
    [Fact]
    public void Parse_ReadsTheMountPointTypeAndSource_WithOctalEscapes()
    {
        var entry = MountTable.Parse(
            "99 30 0:61 / /tmp/a\\040b rw,nosuid,nodev,relatime shared:50 - fuse.restoreagents restoreagents rw,user_id=0");

        Assert.Equal(new MountEntry("/tmp/a b", "fuse.restoreagents", "restoreagents", "0:61"), entry);
        Assert.True(entry!.Value.IsFuse);
    }

    [Fact]
    public void Parse_TakesOptionalFieldsBeforeTheSeparator()
    {
        var entry = MountTable.Parse("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 propagate_from:2 - ext3 /dev/root rw");

        Assert.Equal(new MountEntry("/mnt2", "ext3", "/dev/root", "98:0"), entry);
        Assert.False(entry!.Value.IsFuse);
    }

    [Fact]
    public void Parse_IgnoresALineWithoutTheSeparator()
    {
        Assert.Null(MountTable.Parse("36 35 98:0 /mnt1 /mnt2 rw"));
    }
}
