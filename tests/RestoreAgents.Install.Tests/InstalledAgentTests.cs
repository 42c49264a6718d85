using Grpc.Health.V1;

namespace RestoreAgents.Install.Tests;

/// <summary>
/// Each installed agent started exactly as its unit says (ExecStart=, User=, EnvironmentFile=...), listening where
/// its settings file says, stopped as systemctl stop does, and started again.
/// </summary>
[Collection(InstallCollection.Name)]
public sealed class InstalledAgentTests(InstalledPackages installed)
{
    private const HealthCheckResponse.Types.ServingStatus Serving = HealthCheckResponse.Types.ServingStatus.Serving;

    [Fact]
    public async Task MediaAgent_StartedAsItsUnitSays_ServesWhereItsSettingsFileSays_AsTheServiceUser()
    {
        var url = InstalledAgent.Media.ListenOnFreePort();
        await using var agent = await InstalledAgent.Media.StartAsync();

        Assert.Equal([url], agent.ListeningOn);
        Assert.True(await AgentHealth.CheckAsync(url, installed.Pki) == Serving, agent.Output);
        Assert.Equal((await Account.FindAsync(Installed.User))!.Uid, InstalledAgent.UidOf(agent.Id));
        var stop = await agent.StopAsync();
        Assert.True(stop.InTime, $"SIGTERM did not stop it within TimeoutStopSec:\n{agent.Output}");
        Assert.True(stop.CleanForSystemd, $"it ended with {stop.ExitCode}:\n{agent.Output}");
    }

    [Fact]
    public async Task DataAgent_StartedAsItsUnitSays_MountsItsPseudoDiskAsTheServiceUser_AndUnmountsOnStop()
    {
        var user = (await Account.FindAsync(Installed.User))!;
        var url = InstalledAgent.Data.ListenOnFreePort();
        await using var agent = await InstalledAgent.Data.StartAsync();

        Assert.Equal([url], agent.ListeningOn);
        // The health service says NOT_SERVING while the pseudo-disk cannot be mounted.
        Assert.True(await AgentHealth.CheckAsync(url, installed.Pki) == Serving, agent.Output);
        Assert.Equal(user.Uid, InstalledAgent.UidOf(agent.Id));
        var mount = MountTable.FuseMountAt(Installed.MountPath);
        Assert.True(mount is not null, $"nothing is mounted at {Installed.MountPath}:\n{agent.Output}");
        Assert.StartsWith("fuse.restoreagents ", mount);
        Assert.Contains($"user_id={user.Uid},", mount);

        var stop = await agent.StopAsync();
        Assert.True(stop.InTime, $"SIGTERM did not stop it within TimeoutStopSec:\n{agent.Output}");
        Assert.True(stop.CleanForSystemd, $"it ended with {stop.ExitCode}:\n{agent.Output}");
        Assert.True(stop.MountsLeft.Count == 0, $"left mounted: {string.Join(", ", stop.MountsLeft)}\n{agent.Output}");
    }

    [Fact]
    public async Task Agents_StoppedAndStartedAgain_ServeAgain()
    {
        foreach (var unit in new[] { InstalledAgent.Media, InstalledAgent.Data })
        {
            var url = unit.ListenOnFreePort();
            for (int start = 1; start <= 2; start++)
            {
                await using var agent = await unit.StartAsync();
                Assert.True(await AgentHealth.CheckAsync(url, installed.Pki) == Serving, $"start {start} of {unit.Unit}:\n{agent.Output}");
                var stop = await agent.StopAsync();
                Assert.True(stop.InTime && stop.MountsLeft.Count == 0,
                    $"stop {start} of {unit.Unit}: in time {stop.InTime}, "
                    + $"left {string.Join(", ", stop.MountsLeft)}\n{agent.Output}");
            }
        }
    }
}
