using Google.Protobuf.WellKnownTypes;
using RestoreAgents.Cli.Tests.Fakes;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Tests;

public sealed class CopiesCommandTests
{
    [Fact]
    public async Task Copies_ListsNameSizesCreatedAndFormat()
    {
        await using var agent = await FakeAgentHost.StartAsync();
        agent.MediaAgent.Copies.Add(new CopyDescription
        {
            Name = "vm01-2026-11-25",
            DiskSize = 8UL << 30,
            AllocatedBytes = 3UL << 29,
            Created = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 25, 3, 4, 5, TimeSpan.Zero)),
            SourceFormat = "vhd-fixed",
        });

        var result = await CliRun.Of("copies", "--media-agent", agent.Url);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Matches(@"vm01-2026-11-25.*8\.0 GiB.*1\.5 GiB.*2026-11-25 03:04:05.*vhd-fixed", result.Output);
        Assert.DoesNotContain("\u001b[", result.Output);
    }

    [Fact]
    public async Task Copies_SaysSo_WhenTheStoreIsEmpty()
    {
        await using var agent = await FakeAgentHost.StartAsync();

        var result = await CliRun.Of("copies", "--media-agent", agent.Url);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal($"no copies on the media agent at {agent.Url}", result.Output.Trim());
    }

    [Fact]
    public async Task Copies_SaysTheServiceIsNotAMediaAgent_WhenPointedAtADataAgent()
    {
        await using var dataAgentOnly = await FakeAgentHost.StartAsync(serveMediaAgent: false);

        var result = await CliRun.Of("copies", "--media-agent", dataAgentOnly.Url);

        Assert.Equal(ExitCodes.OtherError, result.ExitCode);
        Assert.Contains("is it a media agent?", Assert.Single(result.ErrorLines));
    }
}
