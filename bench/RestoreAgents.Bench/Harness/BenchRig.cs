using RestoreAgents.Cloud;
using RestoreAgents.Testing;

namespace RestoreAgents.Bench.Harness;

/// <summary>
/// The parts that stay up for the whole benchmark, shared by every contender alike: Azurite in memory (the
/// cloud) and one media agent serving the disk's copy (the backup host).
/// </summary>
public sealed class BenchRig : IAsyncDisposable
{
    public const string Container = "bench";

    private BenchRig(AzuriteFixture azurite, AgentProcess mediaAgent, TestPki pki)
    {
        Azurite = azurite;
        MediaAgent = mediaAgent;
        Pki = pki;
        Blobs = new StorageAccountClient(new ConnectionStringCredentials(azurite.ConnectionString), CloudOptions)
            .GetContainer(Container);
    }

    public AzuriteFixture Azurite { get; }
    public AgentProcess MediaAgent { get; }

    /// <summary>The throwaway CA of the run: every agent and the harness talk mutual TLS, as in production.</summary>
    public TestPki Pki { get; }

    /// <summary>Every contender's blob calls retry alike: the data agent's default.</summary>
    public CloudOptions CloudOptions { get; } = new();

    public static async Task<BenchRig> StartAsync(SourceDisk disk)
    {
        var azurite = new AzuriteFixture();
        var pki = new TestPki();
        try
        {
            await azurite.InitializeAsync();
            var mediaAgent = await AgentProcess.StartAsync("RestoreAgents.MediaAgent", pki,
                $"--MediaAgent:StorePath={disk.StorePath}", "--Logging:LogLevel:Default=Warning",
                // AgentProcess knows the agent listens by its "Now listening on:" line.
                "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information");
            return new BenchRig(azurite, mediaAgent, pki);
        }
        catch
        {
            await azurite.DisposeAsync();
            pki.Dispose();
            throw;
        }
    }

    /// <summary>CPU used so far by Azurite and by the media agent, to charge each run its share of the rig.</summary>
    public (TimeSpan Azurite, TimeSpan MediaAgent) CpuTime() =>
        (ProcStatus.CpuTime(Azurite.ProcessId), ProcStatus.CpuTime(MediaAgent.Id));

    /// <summary>The container every run's blob goes to.</summary>
    public PageBlobContainer Blobs { get; }

    /// <summary>Azurite keeps blobs in memory: each run's blob goes once it is checked.</summary>
    public Task DeleteBlobAsync(string blobName, CancellationToken cancellationToken) =>
        Blobs.DeletePageBlobAsync(blobName, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await MediaAgent.DisposeAsync();
        await Azurite.DisposeAsync();
        Pki.Dispose();
    }
}
