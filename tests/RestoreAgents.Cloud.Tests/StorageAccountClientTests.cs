namespace RestoreAgents.Cloud.Tests;

/// <summary>Containers and blob names are checked by Azure's rules before any request, and the clients are made once.</summary>
public sealed class StorageAccountClientTests
{
    private static StorageAccountClient Account(CloudOptions? options = null) =>
        new(new ConnectionStringCredentials(StorageCredentialsTests.ConnectionString), options ?? new CloudOptions());

    private static StorageAccountClient ThroughSas() =>
        new(new SasUrlCredentials(StorageCredentialsTests.SasUrl), new CloudOptions());

    [Theory]
    [InlineData("ab", "has 2 characters")]
    [InlineData("Restores", "at character 1")]
    [InlineData("re--stores", "at character 4")]
    [InlineData("-restores", "at character 1")]
    [InlineData("restores-", "at character 9")]
    [InlineData("re_stores", "at character 3")]
    [InlineData("", "container name is empty")]
    public void GetContainer_RejectsContainerNamesAzureRefuses(string container, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => Account().GetContainer(container));

        Assert.StartsWith($"Invalid container '{container}': ", e.Message);
        Assert.Contains(why, e.Message);
        Assert.Contains("lowercase letters, digits and single hyphens", e.Message);
    }

    [Fact]
    public void GetContainer_RejectsAContainerNameLongerThan63()
    {
        var e = Assert.Throws<ArgumentException>(() => Account().GetContainer(new string('a', 64)));

        Assert.Contains("has 64 characters", e.Message);
    }

    [Fact]
    public void GetContainer_WithAContainerSas_TakesItsContainer_AndNoOther()
    {
        Assert.Equal("restores", ThroughSas().GetContainer("").Name);
        Assert.Equal("restores", ThroughSas().GetContainer("restores").Name);

        var e = Assert.Throws<ArgumentException>(() => ThroughSas().GetContainer("other"));

        Assert.Equal("Invalid container 'other': container SAS URL https://acct.blob.core.windows.net/restores "
            + "(signature hidden) is for container 'restores'.", e.Message);
        Assert.DoesNotContain(StorageCredentialsTests.Signature, e.Message);
    }

    [Fact]
    public void AContainer_CanBeCreated_OnlyThroughAConnectionString()
    {
        Assert.True(Account().GetContainer("restores").CanBeCreated);
        Assert.False(ThroughSas().GetContainer("").CanBeCreated);
    }

    [Theory]
    [InlineData("", "blob name is empty")]
    [InlineData("disk.", "ends with '.'")]
    [InlineData("vm1/", "ends with '/'")]
    [InlineData("disk\u0001.vhd", "control character U+0001")]
    public void ValidateBlobName_RejectsNamesAzureCannotKeep_NamingTheContainer(string blobName, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => Account().GetContainer("restores").ValidateBlobName(blobName));

        // A control character shows as '?', so the message stays one line.
        Assert.StartsWith($"Invalid page blob '{StorageNames.Printable(blobName)}' in container 'restores' at https://acct.blob.core.windows.net: ",
            e.Message);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void ValidateBlobName_RejectsANameLongerThan1024()
    {
        var e = Assert.Throws<ArgumentException>(
            () => Account().GetContainer("restores").ValidateBlobName(new string('d', 1025)));

        Assert.Contains("1025 characters, more than 1024", e.Message);
    }

    [Fact]
    public void ValidateBlobName_AcceptsPaths() => Account().GetContainer("restores").ValidateBlobName("vm1/disk0.vhd");

    [Fact]
    public void TheAccount_BuildsItsClientOnce_ForEveryContainerAndBlobItHandsOut()
    {
        int built = 0;
        var options = new CloudOptions { ConfigureClient = _ => built++ };
        var account = Account(options);

        account.GetContainer("restores").ValidateBlobName("a.vhd");
        account.GetContainer("archive");
        account.GetContainer("restores");

        Assert.Equal(1, built);
    }

    [Fact]
    public void InvalidCloudSettings_StopTheAccountClient_NamingTheSetting()
    {
        var e = Assert.Throws<ArgumentException>(() => Account(new CloudOptions { MaxRetries = -1 }));

        Assert.Contains("MaxRetries is -1", e.Message);
    }
}
