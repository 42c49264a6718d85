namespace RestoreAgents.Cloud.Tests;

/// <summary>Credentials are checked when made, without a request, and never show their secret.</summary>
public sealed class StorageCredentialsTests
{
    internal const string Secret = "c2VjcmV0LWtleS10aGF0LW11c3QtbmV2ZXItc2hvdw==";
    internal const string ConnectionString =
        $"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={Secret};EndpointSuffix=core.windows.net";
    internal const string Signature = "Zm9vYmFyc2lnbmF0dXJl";
    internal const string SasUrl = "https://acct.blob.core.windows.net/restores"
        + "?sv=2025-01-05&sr=c&sp=rcw&se=2099-01-01T00%3A00%3A00Z&sig=" + Signature;

    [Fact]
    public void From_TakesAConnectionString_OrAContainerSasUrl()
    {
        var account = Assert.IsType<ConnectionStringCredentials>(StorageCredentials.From(ConnectionString, null));
        var sas = Assert.IsType<ContainerSasCredentials>(StorageCredentials.From(" ", SasUrl));

        Assert.Equal("https://acct.blob.core.windows.net", account.AccountEndpoint);
        Assert.Null(account.OnlyContainer);
        Assert.Equal("https://acct.blob.core.windows.net", sas.AccountEndpoint);
        Assert.Equal("restores", sas.OnlyContainer);
        Assert.Equal("https://acct.blob.core.windows.net/restores", sas.ContainerUrl);
    }

    [Fact]
    public void From_Rejects_BothCredentials_WithoutQuotingEither()
    {
        var e = Assert.Throws<ArgumentException>(() => StorageCredentials.From(ConnectionString, SasUrl));

        Assert.Equal("Invalid storage credentials: give either a connection string or a container SAS URL, not both.",
            e.Message);
    }

    [Fact]
    public void From_Rejects_NoCredential()
    {
        var e = Assert.Throws<ArgumentException>(() => StorageCredentials.From(null, " "));

        Assert.Contains("neither was given", e.Message);
    }

    [Fact]
    public void AConnectionStringItCannotParse_IsRejected_WithoutQuotingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => new ConnectionStringCredentials($"garbage {Secret}"));

        Assert.StartsWith("Invalid storage credentials: the connection string is not an Azure Storage connection string",
            e.Message);
        Assert.DoesNotContain(Secret, e.ToString());
    }

    [Theory]
    [InlineData("not a url", "not an absolute http:// or https:// URL")]
    [InlineData("ftp://acct.blob.core.windows.net/restores?sig=abc", "not an absolute http:// or https:// URL")]
    [InlineData("https://acct.blob.core.windows.net/restores?sv=2025-01-05&sr=c", "carries no signature")]
    [InlineData("https://acct.blob.core.windows.net/?sv=2025-01-05&sig=abc", "names no container")]
    [InlineData("https://acct.blob.core.windows.net/restores/disk.vhd?sv=2025-01-05&sig=abc", "names a blob ('disk.vhd')")]
    public void SasUrlsThatAreNotContainerSasUrls_AreRejected(string sasUrl, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => new ContainerSasCredentials(sasUrl));

        Assert.Contains(why, e.Message);
        Assert.DoesNotContain("sig=", e.Message);
    }

    [Fact]
    public void ToString_HidesTheConnectionString_AndTheSasSignature()
    {
        var withKey = new ConnectionStringCredentials(ConnectionString).ToString();
        var withSas = new ContainerSasCredentials(SasUrl).ToString();

        Assert.Equal("connection string of https://acct.blob.core.windows.net (secret hidden)", withKey);
        Assert.Equal("container SAS URL https://acct.blob.core.windows.net/restores (signature hidden)", withSas);
        Assert.DoesNotContain(Signature, withSas);
    }
}
