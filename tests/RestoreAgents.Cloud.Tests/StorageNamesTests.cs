namespace RestoreAgents.Cloud.Tests;

/// <summary>
/// The one name check of requests and restorectl: Azure's rules, and nothing a URL would rewrite into another path
/// (a blob named ../../internal/admin/reset must never leave its account and container).
/// </summary>
public sealed class StorageNamesTests
{
    [Theory]
    [InlineData("../../internal/admin/reset", "path segment '..'")]
    [InlineData("restores/../disk.vhd", "path segment '..'")]
    [InlineData("./disk.vhd", "path segment '.'")]
    [InlineData("a/./b.vhd", "path segment '.'")]
    [InlineData("%2e%2E/admin", "path segment '%2e%2E'")]
    [InlineData("a/%2e/b", "path segment '%2e'")]
    [InlineData(@"..\admin\reset", "backslash")]
    [InlineData("disk\u0000.vhd", "control character U+0000")]
    [InlineData("disk.vhd\n", "control character U+000A")]
    [InlineData("disk\u007f.vhd", "control character U+007F")]
    [InlineData("disk\u0085.vhd", "control character U+0085")]
    [InlineData("/disk.vhd", "empty path segment")]
    [InlineData("a//disk.vhd", "empty path segment")]
    [InlineData("disk.", "ends with '.'")]
    [InlineData("disk/", "ends with '/'")]
    [InlineData("", "empty")]
    public void BlobNames_ThatAUrlWouldRewriteOrAzureCannotKeep_AreRefused(string name, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => StorageNames.ValidateBlobName(name));

        Assert.Contains(why, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\0', e.Message);
    }

    [Fact]
    public void BlobNames_WithALoneSurrogate_AreRefused()
    {
        // Not through InlineData: xUnit would pass the lone surrogate on as U+FFFD.
        var name = "disk" + (char)0xD800 + ".vhd";

        var e = Assert.Throws<ArgumentException>(() => StorageNames.ValidateBlobName(name));

        Assert.Contains("U+D800, which is not a Unicode character", e.Message);
    }

    [Theory]
    [InlineData("vm01.vhd")]
    [InlineData("restores/2026/vm01.vhd")]
    [InlineData("..vm01.vhd")]
    [InlineData("vm01..vhd")]
    [InlineData("a/...b/c")]
    [InlineData("диск-😀.vhd")]
    [InlineData("name with spaces and %41 percent.vhd")]
    public void BlobNames_AzureKeepsAsGiven_AreAccepted(string name) => StorageNames.ValidateBlobName(name);

    [Theory]
    [InlineData("restores\n")] // a pattern ending in $ would take this: \z does not
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("Restores")]
    [InlineData("re--stores")]
    [InlineData("-restores")]
    [InlineData("ab")]
    public void ContainerNames_OutsideAzuresRule_AreRefused(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => StorageNames.ValidateContainerName(name));

        Assert.StartsWith("Invalid container", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("restores")]
    [InlineData("vm-01-disks")]
    [InlineData("abc")]
    public void ContainerNames_InAzuresRule_AreAccepted(string name) => StorageNames.ValidateContainerName(name);
}
