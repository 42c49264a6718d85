namespace RestoreAgents.Cloud.Tests;

public sealed class PageBlobDestinationTests
{
    private const string Secret = "c2VjcmV0LWtleS10aGF0LW11c3QtbmV2ZXItc2hvdw==";
    private const string ConnectionString =
        $"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={Secret};EndpointSuffix=core.windows.net";
    private const string SasUrl = "https://acct.blob.core.windows.net/restores"
        + "?sv=2025-01-05&sr=c&sp=rcw&se=2099-01-01T00%3A00%3A00Z&sig=Zm9vYmFyc2lnbmF0dXJl";

    [Fact]
    public void Validate_Accepts_AConnectionString_OrAContainerSasUrl()
    {
        new PageBlobDestination(ConnectionString, null, "restores", "vm1/disk0.vhd").Validate();
        new PageBlobDestination(null, SasUrl, "", "vm1/disk0.vhd").Validate();
        new PageBlobDestination(null, SasUrl, "restores", "vm1/disk0.vhd").Validate();
    }

    [Fact]
    public void Validate_Rejects_BothCredentials()
    {
        var e = Assert.Throws<ArgumentException>(
            () => new PageBlobDestination(ConnectionString, SasUrl, "restores", "disk.vhd").Validate());

        Assert.Contains("not both", e.Message);
        Assert.Contains("page blob 'disk.vhd' in container 'restores'", e.Message);
        Assert.DoesNotContain(Secret, e.Message);
        Assert.DoesNotContain("sig=", e.Message);
    }

    [Fact]
    public void Validate_Rejects_NoCredential()
    {
        var e = Assert.Throws<ArgumentException>(
            () => new PageBlobDestination(null, " ", "restores", "disk.vhd").Validate());

        Assert.Contains("neither was given", e.Message);
    }

    [Theory]
    [InlineData("ab", "has 2 characters")]
    [InlineData("Restores", "at character 1")]
    [InlineData("re--stores", "at character 4")]
    [InlineData("-restores", "at character 1")]
    [InlineData("restores-", "at character 9")]
    [InlineData("re_stores", "at character 3")]
    [InlineData("", "container name is empty")]
    public void Validate_Rejects_ContainerNamesAzureRefuses(string container, string why)
    {
        var e = Assert.Throws<ArgumentException>(
            () => new PageBlobDestination(ConnectionString, null, container, "disk.vhd").Validate());

        Assert.Contains(why, e.Message);
        Assert.Contains("lowercase letters, digits and single hyphens", e.Message);
    }

    [Fact]
    public void Validate_Rejects_AContainerNameLongerThan63()
    {
        var e = Assert.Throws<ArgumentException>(
            () => new PageBlobDestination(ConnectionString, null, new string('a', 64), "disk.vhd").Validate());

        Assert.Contains("has 64 characters", e.Message);
    }

    [Theory]
    [InlineData("", "blob name is empty")]
    [InlineData("disk.", "ends with '.'")]
    [InlineData("vm1/", "ends with '/'")]
    [InlineData("disk\u0001.vhd", "control character U+0001")]
    public void Validate_Rejects_BlobNamesAzureCannotKeep(string blobName, string why)
    {
        var e = Assert.Throws<ArgumentException>(
            () => new PageBlobDestination(ConnectionString, null, "restores", blobName).Validate());

        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void Validate_Rejects_ABlobNameLongerThan1024()
    {
        var e = Assert.Throws<ArgumentException>(
            () => new PageBlobDestination(ConnectionString, null, "restores", new string('d', 1025)).Validate());

        Assert.Contains("1025 characters, more than 1024", e.Message);
    }

    [Fact]
    public void Validate_Rejects_AConnectionStringItCannotParse_WithoutQuotingIt()
    {
        var e = Assert.Throws<ArgumentException>(
            () => new PageBlobDestination($"garbage {Secret}", null, "restores", "disk.vhd").Validate());

        Assert.Contains("not an Azure Storage connection string", e.Message);
        Assert.DoesNotContain(Secret, e.ToString());
    }

    [Theory]
    [InlineData("not a url", "not an absolute http:// or https:// URL")]
    [InlineData("ftp://acct.blob.core.windows.net/restores?sig=abc", "not an absolute http:// or https:// URL")]
    [InlineData("https://acct.blob.core.windows.net/restores?sv=2025-01-05&sr=c", "carries no signature")]
    [InlineData("https://acct.blob.core.windows.net/?sv=2025-01-05&sig=abc", "names no container")]
    [InlineData("https://acct.blob.core.windows.net/restores/disk.vhd?sv=2025-01-05&sig=abc", "names a blob ('disk.vhd')")]
    public void Validate_Rejects_SasUrlsThatAreNotContainerSasUrls(string sasUrl, string why)
    {
        var e = Assert.Throws<ArgumentException>(
            () => new PageBlobDestination(null, sasUrl, "", "disk.vhd").Validate());

        Assert.Contains(why, e.Message);
        Assert.DoesNotContain("sig=", e.Message);
    }

    [Fact]
    public void Validate_Rejects_AContainerThatIsNotTheSasUrlsContainer()
    {
        var e = Assert.Throws<ArgumentException>(
            () => new PageBlobDestination(null, SasUrl, "other", "disk.vhd").Validate());

        Assert.Contains("container 'other' is not the container 'restores' of the SAS URL "
            + "https://acct.blob.core.windows.net/restores", e.Message);
        Assert.DoesNotContain("Zm9vYmFyc2lnbmF0dXJl", e.Message);
    }

    [Fact]
    public void ToString_HidesTheConnectionString_AndTheSasSignature()
    {
        var withKey = new PageBlobDestination(ConnectionString, null, "restores", "disk.vhd").ToString();
        var withSas = new PageBlobDestination(null, SasUrl, "", "disk.vhd").ToString();

        Assert.DoesNotContain(Secret, withKey);
        Assert.Contains("BlobName = disk.vhd", withKey);
        Assert.DoesNotContain("Zm9vYmFyc2lnbmF0dXJl", withSas);
        Assert.Contains("https://acct.blob.core.windows.net/restores", withSas);
    }
}
