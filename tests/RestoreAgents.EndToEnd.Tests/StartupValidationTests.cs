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
    [InlineData("--DataAgent:MaxQueuedJobs=-1", "DataAgent:MaxQueuedJobs must be between 0 and 10000")]
    [InlineData("--DataAgent:MaxCacheSizeBytes=1048576",
        "DataAgent:CacheSizeBytes is 268435456; it must be at most DataAgent:MaxCacheSizeBytes (1048576)")]
    [InlineData("--DataAgent:Cloud:ThrottleDeadline=00:00:00", "DataAgent:Cloud: cloud setting ThrottleDeadline")]
    [InlineData("--DataAgent:MediaAgentStream:IdleTimeout=00:00:00",
        "DataAgent:MediaAgentStream: stream setting IdleTimeout")]
    [InlineData("--DataAgent:MediaAgentStream:MaxReconnectDelay=00:00:00.1",
        "DataAgent:MediaAgentStream: stream setting MaxReconnectDelay (00:00:00.1000000) is shorter than ReconnectDelay")]
    [InlineData("--DataAgent:MediaAgentChannels:ConnectTimeout=00:00:00",
        "DataAgent:MediaAgentChannels: channel setting ConnectTimeout")]
    public async Task Start_WithASettingThatCannotWork_FailsNamingIt(string setting, string named)
    {
        using var folder = new TempDirectory("invalid-agent");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => agents.StartDataAgentAsync(folder.Combine("cache"), setting));

        Assert.Contains(named, error.Message);
    }
}
