using System.Net;
using System.Text;
using Azure.Storage.Sas;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests.Security;

/// <summary>
/// An eavesdropper between the controller and the data agent, and between the agents, sees ciphertext only: no
/// account key, no SAS signature, no disk data. Each tap is a relay on loopback that records every byte it carries.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse)]
[Collection(AgentsCollection.Name)]
public sealed class TapTests(AgentsFixture agents)
{
    private const int MiB = 1024 * 1024;
    private static readonly byte[] Canary = Encoding.ASCII.GetBytes("RESTOREAGENTS-TAP-CANARY-7f3a9c1e");

    [Fact]
    public async Task TapsOnBothHops_SeeNoKeyNoSignatureAndNoDiskData()
    {
        var image = Path.Combine(agents.WorkPath, "tapped.raw");
        await WriteCanaryDiskAsync(image, 4 * MiB);
        await new RestoreDriver(agents).BackupAsync(image, "tapped");
        await using var controllerTap = new TcpTap(new IPEndPoint(IPAddress.Loopback, agents.DataAgentUrl.Port));
        await using var agentsTap = new TcpTap(new IPEndPoint(IPAddress.Loopback, agents.MediaAgentUrl.Port));
        var sasUrl = AzuriteSas.ContainerSasUrl(agents.Azurite.BlobEndpoint, "restores",
            BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write
            | BlobContainerSasPermissions.Delete | BlobContainerSasPermissions.List);

        using var channel = agents.Pki.Channel(new Uri($"https://127.0.0.1:{controllerTap.Port}"), TestPki.Operator);
        var client = new Protocol.V1.DataAgent.DataAgentClient(channel);
        foreach (var (blob, key, sas) in new[] { ("tapped-key.vhd", agents.Azurite.ConnectionString, ""),
                     ("tapped-sas.vhd", "", sasUrl) })
        {
            var request = new StartRestoreRequest
            {
                MediaAgentUrl = $"https://127.0.0.1:{agentsTap.Port}",
                CopyName = "tapped",
                Destination = new PageBlobDestination { Container = "restores", BlobName = blob },
                PageSizeBytes = (uint)MiB,
                CacheSizeBytes = 2 * (ulong)MiB,
                Overwrite = true,
            };
            // One credential or the other: they are a oneof, and setting one clears the other.
            if (key.Length > 0) request.Destination.ConnectionString = key;
            else request.Destination.ContainerSasUrl = sas;
            var job = (await client.StartRestoreAsync(request)).JobId;
            var result = await RestoreDriver.WatchAsync(client, job);
            Assert.True(result.State == RestoreState.Completed, result.Error);
        }

        // The taps were in the path: the disk's data crossed the agents' hop, the requests the controller's.
        Assert.True(agentsTap.Captured.Length > 2 * 4 * MiB, $"the agents' tap carried {agentsTap.Captured.Length} bytes");
        Assert.True(controllerTap.Captured.Length > 0, "the controller's tap carried nothing");
        Assert.False(controllerTap.Saw(AzuriteFixture.AccountKey), "the account key crossed in clear");
        Assert.False(controllerTap.Saw("AccountKey="), "the connection string crossed in clear");
        Assert.False(controllerTap.Saw(AzuriteSas.SignatureOf(sasUrl)), "the SAS signature crossed in clear");
        Assert.False(controllerTap.Saw(Uri.EscapeDataString(AzuriteSas.SignatureOf(sasUrl))), "the SAS signature crossed in clear");
        Assert.False(agentsTap.Saw(Canary), "disk data crossed between the agents in clear");
        Assert.False(agentsTap.Saw(Canary.AsSpan(0, 16)), "a piece of disk data crossed between the agents in clear");
    }

    /// <summary>A disk whose every 4 KiB starts with the canary: any plaintext block on the wire would show it.</summary>
    private static async Task WriteCanaryDiskAsync(string path, int size)
    {
        var disk = new byte[size];
        new Random(71).NextBytes(disk);
        for (var offset = 0; offset + Canary.Length <= size; offset += 4096)
            Canary.CopyTo(disk, offset);
        await File.WriteAllBytesAsync(path, disk);
    }
}
