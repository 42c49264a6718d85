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
    public void From_TakesAConnectionString_OrASasUrl()
    {
        var account = Assert.IsType<ConnectionStringCredentials>(StorageCredentials.From(ConnectionString, null));
        var sas = Assert.IsType<SasUrlCredentials>(StorageCredentials.From(" ", SasUrl));

        Assert.Equal("https://acct.blob.core.windows.net", account.AccountEndpoint);
        Assert.Null(account.OnlyContainer);
        Assert.Equal("https://acct.blob.core.windows.net", sas.AccountEndpoint);
        Assert.Equal("restores", sas.OnlyContainer);
        Assert.Null(sas.OnlyBlob);
        Assert.Equal("https://acct.blob.core.windows.net/restores", sas.Url);
    }

    [Fact]
    public void From_Rejects_BothCredentials_WithoutQuotingEither()
    {
        var e = Assert.Throws<ArgumentException>(() => StorageCredentials.From(ConnectionString, SasUrl));

        Assert.Equal("Invalid storage credentials: give either a connection string or a SAS URL, not both.",
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
    [InlineData("https://acct.blob.core.windows.net/restores/../admin?sv=2025-01-05&sig=abc", "segment '..'")]
    [InlineData("https://acct.blob.core.windows.net/restores/%2E%2e/admin?sv=2025-01-05&sig=abc", "segment '%2E%2e'")]
    [InlineData("https://acct.blob.core.windows.net/restores/./disk.vhd?sv=2025-01-05&sig=abc", "segment '.'")]
    [InlineData(@"https://acct.blob.core.windows.net/restores\..\admin?sv=2025-01-05&sig=abc", "backslash")]
    [InlineData("https://user@acct.blob.core.windows.net/restores?sv=2025-01-05&sig=abc", "a user or a fragment")]
    [InlineData("https://acct.blob.core.windows.net/Restores?sv=2025-01-05&sig=abc", "container name 'Restores'")]
    public void SasUrlsThatAreNotAContainersOrABlobs_AreRejected(string sasUrl, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => new SasUrlCredentials(sasUrl));

        Assert.Contains(why, e.Message);
        Assert.DoesNotContain("sig=", e.Message);
    }

    [Fact]
    public void ToString_HidesTheConnectionString_AndTheSasSignature()
    {
        var withKey = new ConnectionStringCredentials(ConnectionString).ToString();
        var withSas = new SasUrlCredentials(SasUrl).ToString();

        Assert.Equal("connection string of https://acct.blob.core.windows.net (secret hidden)", withKey);
        Assert.Equal("container SAS URL https://acct.blob.core.windows.net/restores (signature hidden)", withSas);
        Assert.DoesNotContain(Signature, withSas);
    }

    [Fact]
    public void ABlobSasUrl_ReachesOnlyItsBlob_AndSaysWhichHostItDials()
    {
        var sas = new SasUrlCredentials("https://md-abc123.z7.blob.storage.azure.net/mdcontainer/abcd"
            + "?sv=2018-03-28&sr=b&si=x&sig=" + Signature);

        Assert.Equal("mdcontainer", sas.OnlyContainer);
        Assert.Equal("abcd", sas.OnlyBlob);
        Assert.Equal("md-abc123.z7.blob.storage.azure.net", sas.Host);
        Assert.True(sas.IsHttps);
        Assert.Equal("blob SAS URL https://md-abc123.z7.blob.storage.azure.net/mdcontainer/abcd (signature hidden)",
            sas.ToString());
    }

    [Fact]
    public void ASasUrlOnAnotherPort_NamesThePortInItsHost()
    {
        var sas = new SasUrlCredentials("http://127.0.0.1:10000/devstoreaccount1/restores?sv=2025-01-05&sig=" + Signature);

        Assert.Equal("127.0.0.1:10000", sas.Host);
        Assert.False(sas.IsHttps);
        Assert.Equal("restores", sas.OnlyContainer);
    }

    [Fact]
    public void AnAccountKey_IsNeverShown_AndMustBeBase64()
    {
        var key = new SharedKeyCredentials(new Uri("https://acct.blob.core.windows.net/"), "acct", Secret);
        var e = Assert.Throws<ArgumentException>(() =>
            new SharedKeyCredentials(new Uri("https://acct.blob.core.windows.net"), "acct", "not base64 " + Secret));

        Assert.Equal("key of account 'acct' at https://acct.blob.core.windows.net (secret hidden)", key.ToString());
        Assert.Contains("is not base64", e.Message);
        Assert.DoesNotContain(Secret, e.Message);
    }

    [Fact]
    public void AnAzureIdentity_NeedsAnHttpsEndpoint()
    {
        var e = Assert.Throws<ArgumentException>(() => new TokenCredentials(new Uri("http://127.0.0.1:10000/acct"),
            new NoTokens(), "managed identity"));

        Assert.Contains("needs an https:// blob endpoint", e.Message);
    }

    /// <summary>An identity that is never asked: no token may be fetched when credentials are made.</summary>
    private sealed class NoTokens : Azure.Core.TokenCredential
    {
        public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext,
            CancellationToken cancellationToken) => throw new InvalidOperationException("no token may be asked for");

        public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext,
            CancellationToken cancellationToken) => throw new InvalidOperationException("no token may be asked for");
    }
}
