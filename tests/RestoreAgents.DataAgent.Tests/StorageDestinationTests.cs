using RestoreAgents.Cloud;
using RestoreAgents.DataAgent.Destinations;
using RestoreAgents.Testing;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>
/// A configured destination hands out the container of a request: through its own credential, or through the
/// request's SAS URL only when that is https (or the destination allows plaintext) to a host it allows. No request
/// is sent to decide any of it.
/// </summary>
public sealed class StorageDestinationTests : IDisposable
{
    private const string Signature = "c2lnbmF0dXJlLW9mLXRoZS1zYXM=";
    private const string BlobSas = "https://md-abc123.z7.blob.storage.azure.net/mdcontainer/abcd?sv=2018-03-28&sr=b&sig="
        + Signature;
    private readonly TempDirectory _folder = new("destinations");

    [Fact]
    public void ABlobSas_OfAnAllowedHost_GivesThatBlob_WhenTheRequestLeavesItsNamesEmpty()
    {
        var destination = Create(new() { Credential = StorageCredentialKind.SasOnly, AllowedSasHosts = ["md-*.blob.storage.azure.net"] });

        var (container, blob) = destination.Open("", "", BlobSas);

        Assert.Equal("mdcontainer", container.Name);
        Assert.Equal("abcd", blob);
        Assert.Equal("https://md-abc123.z7.blob.storage.azure.net", container.AccountEndpoint);
    }

    [Theory]
    [InlineData("mdcontainer", "other", "is for blob 'abcd'")]
    [InlineData("other", "abcd", "is for container 'mdcontainer'")]
    public void ABlobSas_RefusesAnotherContainerOrBlob(string container, string blob, string why)
    {
        var destination = Create(new() { Credential = StorageCredentialKind.SasOnly, AllowedSasHosts = ["md-*.blob.storage.azure.net"] });

        var e = Assert.Throws<ArgumentException>(() => destination.Open(container, blob, BlobSas));

        Assert.Contains(why, e.Message);
        Assert.DoesNotContain(Signature, e.Message);
    }

    [Theory]
    [InlineData("https://md-abc.z1.blob.storage.azure.net.evil.example/restores/vm01.vhd?sv=2018-03-28&sig=" + Signature,
        "host 'md-abc.z1.blob.storage.azure.net.evil.example' is not one destination 'd' allows")]
    [InlineData("https://127.0.0.1:22/acct/restores/vm01.vhd?sv=2018-03-28&sig=" + Signature, "host '127.0.0.1:22' is not one destination 'd' allows")]
    [InlineData("http://md-abc.z1.blob.storage.azure.net/restores/vm01.vhd?sv=2018-03-28&sig=" + Signature, "is not https")]
    [InlineData("https://md-abc.z1.blob.storage.azure.net/restores/../admin?sv=2018-03-28&sig=" + Signature, "segment '..'")]
    public void ASas_OfAHostNotAllowed_OrNotOverTls_IsRefused_WithoutQuotingTheSignature(string sasUrl, string why)
    {
        var destination = Create(new() { Credential = StorageCredentialKind.SasOnly, AllowedSasHosts = ["md-*.blob.storage.azure.net"] });

        var e = Assert.Throws<ArgumentException>(() => destination.Open("", "", sasUrl));

        Assert.Contains(why, e.Message);
        Assert.DoesNotContain(Signature, e.Message);
    }

    [Fact]
    public void APlaintextSas_IsTakenOnlyByADestinationThatAllowsPlaintext()
    {
        var sas = "http://127.0.0.1:10000/devstoreaccount1/restores?sv=2025-01-05&sr=c&sig=" + Signature;
        var development = Create(new()
        {
            Credential = StorageCredentialKind.SasOnly, AllowedSasHosts = ["127.0.0.1:10000"], AllowPlaintext = true,
        });

        var (container, blob) = development.Open("", "vm01.vhd", sas);

        Assert.Equal("restores", container.Name);
        Assert.Equal("vm01.vhd", blob);
    }

    [Fact]
    public void ASasOnlyDestination_WithoutASas_IsRefused()
    {
        var destination = Create(new() { Credential = StorageCredentialKind.SasOnly, AllowedSasHosts = ["md-*.blob.storage.azure.net"] });

        var e = Assert.Throws<ArgumentException>(() => destination.Open("restores", "vm01.vhd", null));

        Assert.Contains("destination 'd' has no credential of its own (SasOnly)", e.Message);
    }

    [Fact]
    public void AnAccountKeyDestination_GivesItsAccountsContainer()
    {
        var destination = Create(AccountKey("https://acct.blob.core.windows.net"));

        var (container, blob) = destination.Open("restores", "vm01.vhd", null);

        Assert.Equal("restores", container.Name);
        Assert.Equal("vm01.vhd", blob);
        Assert.Equal("https://acct.blob.core.windows.net", container.AccountEndpoint);
        Assert.True(container.CanBeCreated);
    }

    public static TheoryData<string, Func<string, StorageDestinationOptions>, string> SettingsThatCannotWork() => new()
    {
        { "no credential", _ => new() { BlobEndpoint = "https://acct.blob.core.windows.net" }, "Credential is missing; it is one of DefaultAzureCredential, ManagedIdentity" },
        { "plaintext", key => AccountKey("http://acct.blob.core.windows.net", key), "set AllowPlaintext=true for development" },
        { "not a URL", key => AccountKey("acct.blob.core.windows.net", key), "BlobEndpoint 'acct.blob.core.windows.net' is not an https:// URL" },
        { "no account name", key => new()
            {
                BlobEndpoint = "https://acct.blob.core.windows.net", Credential = StorageCredentialKind.AccountKey,
                AccountKeyFile = key,
            }, "AccountName is missing" },
        { "key file and variable", key => new()
            {
                BlobEndpoint = "https://acct.blob.core.windows.net", Credential = StorageCredentialKind.AccountKey,
                AccountName = "acct", AccountKeyFile = key, AccountKeyEnvironment = "KEY",
            }, "give AccountKeyFile or AccountKeyEnvironment, not both" },
        { "unset variable", _ => new()
            {
                BlobEndpoint = "https://acct.blob.core.windows.net", Credential = StorageCredentialKind.ConnectionString,
                ConnectionStringEnvironment = "RESTOREAGENTS_TEST_UNSET",
            }, "ConnectionStringEnvironment names RESTOREAGENTS_TEST_UNSET, which is not set" },
        { "sas only without hosts", _ => new() { Credential = StorageCredentialKind.SasOnly }, "AllowedSasHosts must name" },
        { "a pattern for anywhere", _ => new()
            {
                Credential = StorageCredentialKind.SasOnly, AllowedSasHosts = ["*"],
            }, "AllowedSasHosts: '*': a '*' must come before a domain" },
        { "identity over http", _ => new()
            {
                BlobEndpoint = "http://127.0.0.1:10000/acct", Credential = StorageCredentialKind.ManagedIdentity,
                AllowPlaintext = true,
            }, "an Azure identity needs an https:// blob endpoint" },
        { "workload identity outside Kubernetes", _ => new()
            {
                BlobEndpoint = "https://acct.blob.core.windows.net", Credential = StorageCredentialKind.WorkloadIdentity,
            }, "AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE is not set" },
    };

    [Theory]
    [MemberData(nameof(SettingsThatCannotWork))]
    public void Create_RefusesSettingsThatCannotWork_InOneLineNamingTheSetting(string what,
        Func<string, StorageDestinationOptions> settings, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => Create(settings(KeyFile())));

        Assert.StartsWith("DataAgent:Destinations:d: ", e.Message);
        Assert.True(e.Message.Contains(named, StringComparison.Ordinal), $"{what}: {e.Message}");
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, e.Message);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Create_RefusesAKeyFileItsGroupCanRead_NamingTheFile()
    {
        var key = KeyFile();
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var e = Assert.Throws<ArgumentException>(() => Create(AccountKey("https://acct.blob.core.windows.net", key)));

        Assert.Contains($"AccountKeyFile: {key} can be read by its group or others", e.Message);
        Assert.Contains($"chmod 600 {key}", e.Message);
    }

    [Fact]
    public void Create_ReadsTheKeyFromTheVariableItNames()
    {
        var destination = StorageDestinationFactory.Create("d", new()
        {
            BlobEndpoint = "https://acct.blob.core.windows.net", Credential = StorageCredentialKind.AccountKey,
            AccountName = "acct", AccountKeyEnvironment = "ACCT_KEY",
        }, new CloudOptions(), name => name == "ACCT_KEY" ? AzuriteFixture.AccountKey : null);

        Assert.Equal("https://acct.blob.core.windows.net", destination.AccountEndpoint);
    }

    [Fact]
    public void Create_MakesIdentitiesWithoutAskingForAToken()
    {
        // Building the credential sends nothing: a token is fetched at the first cloud call, not at start.
        var managed = Create(new() { BlobEndpoint = "https://acct.blob.core.windows.net", Credential = StorageCredentialKind.ManagedIdentity });
        var chain = Create(new() { BlobEndpoint = "https://acct.blob.core.windows.net", Credential = StorageCredentialKind.DefaultAzureCredential });

        Assert.Equal("restores", managed.Open("restores", "vm01.vhd", null).Container.Name);
        Assert.Equal("https://acct.blob.core.windows.net", chain.AccountEndpoint);
    }

    private static StorageDestinationOptions AccountKey(string endpoint, string? keyFile = null) => new()
    {
        BlobEndpoint = endpoint,
        Credential = StorageCredentialKind.AccountKey,
        AccountName = "acct",
        AccountKeyFile = keyFile,
    };

    [Fact]
    public void AManagedDiskDestination_WithACredentialOfItsOwn_IsRefusedNamingTheSetting()
    {
        var e = Assert.Throws<ArgumentException>(() => Create(new()
        {
            Kind = DestinationKind.ManagedDisk,
            Credential = StorageCredentialKind.AccountKey,
            AccountName = "acct",
            BlobEndpoint = "https://acct.blob.core.windows.net",
        }));

        Assert.Contains("DataAgent:Destinations:d", e.Message);
        Assert.Contains("Credential must be SasOnly", e.Message);
    }

    [Fact]
    public void AManagedDiskDestination_TakesTheDisksBlobSas_AndRefusesAContainers()
    {
        var destination = Create(new()
        {
            Kind = DestinationKind.ManagedDisk,
            Credential = StorageCredentialKind.SasOnly,
            AllowedSasHosts = ["md-*.blob.storage.azure.net"],
        });

        var (container, blob) = destination.Open("", "", BlobSas);
        var e = Assert.Throws<ArgumentException>(() => destination.Open("", "abcd",
            "https://md-abc123.z7.blob.storage.azure.net/mdcontainer?sv=2018-03-28&sr=c&sig=" + Signature));

        Assert.Equal(("mdcontainer", "abcd"), (container.Name, blob));
        Assert.Contains("not a container's", e.Message);
        Assert.DoesNotContain(Signature, e.Message);
    }

    private StorageDestination Create(StorageDestinationOptions options)
    {
        if (options.Credential == StorageCredentialKind.AccountKey && options.AccountKeyFile is null
            && options.AccountKeyEnvironment is null)
            options.AccountKeyFile = KeyFile();
        return StorageDestinationFactory.Create("d", options, new CloudOptions(), _ => null);
    }

    private string KeyFile() => OwnerOnlyFile.Write(_folder.Combine("account.key"), AzuriteFixture.AccountKey);

    public void Dispose() => _folder.Dispose();
}
