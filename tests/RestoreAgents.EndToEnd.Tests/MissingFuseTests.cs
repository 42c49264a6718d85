using Grpc.Health.V1;
using RestoreAgents.Protocol.V1;
using RestoreAgents.PseudoDisk.Interop;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// A data agent in fuse mode on a host without /dev/fuse or without libfuse3 (a real agent process in a mount
/// namespace that hides the part): it starts, says NOT_SERVING, and a job fails naming the missing part and the
/// way out, DataAgent:PseudoDisk=direct. Nothing falls back in silence, and nothing is mounted.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse, RealPart.Root)]
[Collection(AgentsCollection.Name)]
public sealed class MissingFuseTests(AgentsFixture agents)
{
    private const uint MiB = 1024 * 1024;
    private readonly RestoreDriver _driver = new(agents);

    [Theory]
    [InlineData(FusePart.Device, "/dev/fuse is missing (the fuse kernel module is not loaded, or the device is not given to the container)")]
    [InlineData(FusePart.Library, "libfuse3.so.3 cannot be loaded (Debian package libfuse3-3)")]
    public async Task Restore_OnAHostWithoutAFusePart_FailsNamingThePart_AndTheAgentSaysNotServing(FusePart part,
        string missing)
    {
        using var folder = new TempDirectory($"without-{part}");
        var mount = folder.Combine("mount");
        var copy = $"without-{part}".ToLowerInvariant();
        var image = Path.Combine(agents.WorkPath, $"{copy}.raw");
        await TestDiskImage.CreateAsync(image, 2L * MiB, seed: 61);
        await _driver.BackupAsync(image, copy);

        await using var dataAgent = await AgentProcess.StartAsync(
            await HostWithout.PrefixAsync(part, folder.Combine("namespace")), "RestoreAgents.DataAgent", agents.Pki,
            [$"--DataAgent:CacheDirectory={folder.Combine("cache")}", $"--DataAgent:MountPath={mount}", .. agents.NamedParts]);
        using var channel = agents.Pki.Channel(dataAgent.Url, TestPki.Operator);
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        var result = await _driver.RestoreAsync(_driver.Request(copy, $"{copy}.vhd", MiB, 2 * MiB), dataAgent.Url);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, health.Status);
        Assert.True(result.State == RestoreState.Failed, $"{result.State}: {result.Error}\n{dataAgent.Output}");
        Assert.Contains(missing, result.Error);
        Assert.Contains("DataAgent:PseudoDisk=direct", result.Error);
        Assert.Equal(0ul, result.BytesRestored);
        Assert.Contains(missing, dataAgent.Output);   // said at start too, before any job
        Assert.Null(MountTable.Find(mount, $"/proc/{dataAgent.Id}/mountinfo"));   // the agent's own mount table
    }
}
