using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using RestoreAgents.Connections;
using RestoreAgents.DataAgent.Jobs;
using RestoreAgents.DataAgent.MediaAgents;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>The data agent's media agent client against the real media agent: its deadline comes from the injected clock.</summary>
[Collection(AgentsCollection.Name)]
public sealed class MediaAgentClientTests(AgentsFixture agents)
{
    /// <summary>The system clock an hour behind: a 30-second deadline taken from it has long passed.</summary>
    private sealed class HourLateClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddHours(-1);
    }

    [Fact]
    public async Task DescribeAsync_TakesItsDeadlineFromTheInjectedClock()
    {
        using var channels = agents.Pki.Channels(TestPki.DataAgent);
        var agent = new ConfiguredMediaAgent(AgentsFixture.MediaAgentName, agents.MediaAgentUrl);
        var onTime = new MediaAgentClient(channels, agent, TimeProvider.System, NullLogger.Instance);
        var late = new MediaAgentClient(channels, agent, new HourLateClock(), NullLogger.Instance);

        var answered = await Assert.ThrowsAsync<RestoreRejectedException>(
            () => onTime.DescribeAsync("no-such-copy", TimeSpan.FromSeconds(30), CancellationToken.None));
        var timedOut = await Assert.ThrowsAsync<RestoreRejectedException>(
            () => late.DescribeAsync("no-such-copy", TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.Equal(StatusCode.NotFound, answered.Status);
        Assert.Equal(StatusCode.Unavailable, timedOut.Status);
        Assert.Equal($"media agent '{AgentsFixture.MediaAgentName}' is unreachable: timed out (the data agent's log "
            + "says more)", timedOut.Message);
    }
}
