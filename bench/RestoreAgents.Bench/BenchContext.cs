using RestoreAgents.Cloud;
using RestoreAgents.Testing;

namespace RestoreAgents.Bench;

/// <summary>What every contender shares in one run: the disk, the settings, Azurite, the media agent, a work folder.</summary>
internal sealed record BenchContext(
    BenchSettings Settings,
    BenchDisk Disk,
    AzuriteFixture Azurite,
    AgentProcess MediaAgent,
    TempDirectory Work)
{
    public const string Container = "bench";

    public PageBlobDestination Destination(string blobName) =>
        new(Azurite.ConnectionString, null, Container, blobName);

    public Task CheckAsync(string blobName, string contender) =>
        BlobCheck.AssertHoldsDiskAsync(Azurite.ConnectionString, Container, blobName, Disk, contender);
}
