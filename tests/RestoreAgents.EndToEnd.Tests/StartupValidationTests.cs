using Microsoft.Extensions.Options;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>A setting that cannot work stops the data agent at start, naming the setting.</summary>
[Requires(RealPart.Azurite)]
[Collection(AgentsCollection.Name)]
public sealed class StartupValidationTests(AgentsFixture agents)
{
    [Theory]
    [InlineData("--DataAgent:Cloud:MaxRetries=-1", "MaxRetries")]
    [InlineData("--DataAgent:Cloud:NetworkTimeout=00:00:00", "NetworkTimeout")]
    [InlineData("--DataAgent:MountPath= ", "DataAgent:MountPath")]
    [InlineData("--DataAgent:PageSizeBytes=8388608", "DataAgent:PageSizeBytes")]
    [InlineData("--DataAgent:PageSizeBytes=1000", "DataAgent:PageSizeBytes is 1000; it must be a multiple of 512")]
    [InlineData("--DataAgent:CacheSizeBytes=65536", "DataAgent:CacheSizeBytes is 65536; it must be at least one page")]
    [InlineData("--DataAgent:MaxQueuedJobs=-1", "DataAgent:MaxQueuedJobs is -1; it must be between 0 and 10000")]
    [InlineData("--DataAgent:MaxCacheSizeBytes=1048576",
        "DataAgent:CacheSizeBytes is 268435456; it must be at most DataAgent:MaxCacheSizeBytes (1048576)")]
    [InlineData("--DataAgent:Cloud:ThrottleDeadline=00:00:00", "DataAgent:Cloud: cloud setting ThrottleDeadline")]
    [InlineData("--DataAgent:MediaAgentStream:IdleTimeout=00:00:00",
        "DataAgent:MediaAgentStream: stream setting IdleTimeout")]
    [InlineData("--DataAgent:MediaAgentStream:MaxReconnectDelay=00:00:00.1",
        "DataAgent:MediaAgentStream: stream setting MaxReconnectDelay (00:00:00.1000000) is shorter than ReconnectDelay")]
    [InlineData("--DataAgent:MediaAgentChannels:ConnectTimeout=00:00:00",
        "DataAgent:MediaAgentChannels: channel setting ConnectTimeout")]
    [InlineData("--DataAgent:MediaAgents:backup9:Url=backup-host/x", "DataAgent:MediaAgents:backup9:Url 'backup-host/x'")]
    [InlineData("--DataAgent:MediaAgents:backup9:Url=http://backup-host:5010",
        "DataAgent:MediaAgents:backup9:Url 'http://backup-host:5010' is plaintext")]
    [InlineData("--DataAgent:Destinations:prod:Credential=AccountKey", "DataAgent:Destinations:prod: BlobEndpoint is missing")]
    [InlineData("--DataAgent:Destinations:prod:BlobEndpoint=http://127.0.0.1:1/acct",
        "DataAgent:Destinations:prod: Credential is missing")]
    [InlineData("--DataAgent:Destinations:prod:Credential=SasOnly", "DataAgent:Destinations:prod: Credential is SasOnly, so AllowedSasHosts")]
    public async Task Start_WithASettingThatCannotWork_FailsNamingIt(string setting, string named)
    {
        using var folder = new TempDirectory("invalid-agent");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => agents.StartDataAgentAsync(folder.Combine("cache"), setting));

        Assert.Contains(named, error.Message);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Start_WithAKeyFileOthersCanRead_FailsNamingTheFile()
    {
        using var folder = new TempDirectory("open-key");
        var key = OwnerOnlyFile.Write(folder.Combine("prod.key"), AzuriteFixture.AccountKey);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead
            | UnixFileMode.OtherRead);
        var destination = "--DataAgent:Destinations:prod";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => agents.StartDataAgentAsync(
            folder.Combine("cache"), $"{destination}:BlobEndpoint=https://acct.blob.core.windows.net",
            $"{destination}:Credential=AccountKey", $"{destination}:AccountName=acct", $"{destination}:AccountKeyFile={key}"));

        Assert.Contains($"DataAgent:Destinations:prod: AccountKeyFile: {key} can be read by its group or others",
            error.Message);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, error.Message);
    }
}
