using System.Net;
using System.Text;
using Azure.Storage.Sas;
using Grpc.Net.Client;
using RestoreAgents.MediaAgent;
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
    private const string Copy = "tapped";
    private static readonly byte[] Canary = Encoding.ASCII.GetBytes("RESTOREAGENTS-TAP-CANARY-7f3a9c1e");

    [Fact]
    public async Task TapsOnBothHops_SeeNoKeyNoSignatureAndNoDiskData()
    {
        var image = Path.Combine(agents.WorkPath, "tapped.raw");
        await WriteCanaryDiskAsync(image, 4 * MiB);
        await new RestoreDriver(agents).BackupAsync(image, Copy);

        // Control: the same restores through agents in plaintext development mode. The taps must see the SAS
        // signature and the disk data there, or the empty list over mutual TLS below would prove nothing. No key
        // travels even there: the destination's key stays in the data agent's configuration.
        await using (var media = MediaAgentHost.Build(["--urls", "http://127.0.0.1:0", "--Tls:AllowPlaintext=true",
            $"--MediaAgent:StorePath={agents.StorePath}", .. agents.Pki.MediaAgentSettings()]))
        {
            await media.StartAsync();
            var clear = await RestoreThroughTapsAsync(new Uri(media.Urls.Single()), plaintext: true,
                address => GrpcChannel.ForAddress(address));
            // (The decoded signature shows only when it needed no URL escaping, so it is not required here.)
            Assert.Superset(new HashSet<string> { "SAS signature as sent", "disk data", "a piece of disk data" },
                clear.Leaks().ToHashSet());
            Assert.DoesNotContain("account key", clear.Leaks());
            Assert.DoesNotContain("connection string", clear.Leaks());
        }

        var tls = await RestoreThroughTapsAsync(agents.MediaAgentUrl, plaintext: false,
            address => agents.Pki.Channel(address, TestPki.Operator));
        Assert.Empty(tls.Leaks());
    }

    /// <summary>
    /// Restores the copy twice through a tap on each hop, into the Azurite destination once with its configured key
    /// and once with a container SAS URL, and returns what the taps carried. The data agent is one of its own, that
    /// knows the tap before <paramref name="mediaAgent"/> as its media agent "tapped".
    /// </summary>
    private async Task<Wiretap> RestoreThroughTapsAsync(Uri mediaAgent, bool plaintext, Func<Uri, GrpcChannel> channelTo)
    {
        await using var agentsTap = new TcpRelay(new IPEndPoint(IPAddress.Loopback, mediaAgent.Port), capture: true);
        using var folder = new TempDirectory("tap-data-agent");
        string[] development = plaintext ? ["--urls", "http://127.0.0.1:0", "--Tls:AllowPlaintext=true"] : [];
        await using var data = await agents.StartDataAgentAsync(folder.Combine("cache"), [.. development,
            $"--DataAgent:MountPath={folder.Combine("mount")}",
            $"--DataAgent:MediaAgents:tapped:Url={mediaAgent.Scheme}://127.0.0.1:{agentsTap.Port}"]);
        var dataAgent = new Uri(data.Urls.Single());
        await using var controllerTap = new TcpRelay(new IPEndPoint(IPAddress.Loopback, dataAgent.Port), capture: true);
        var sasUrl = AzuriteSas.ContainerSasUrl(agents.Azurite.BlobEndpoint, "restores",
            BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write
            | BlobContainerSasPermissions.Delete | BlobContainerSasPermissions.List);

        using var channel = channelTo(new Uri($"{dataAgent.Scheme}://127.0.0.1:{controllerTap.Port}"));
        var client = new Protocol.V1.DataAgent.DataAgentClient(channel);
        foreach (var (blob, sas) in new[] { ("tapped-key.vhd", ""), ("tapped-sas.vhd", sasUrl) })
        {
            var request = new StartRestoreRequest
            {
                MediaAgent = "tapped",
                CopyName = Copy,
                Target = new RestoreTarget
                {
                    Destination = AgentsFixture.DestinationName, Container = "restores", BlobName = blob, SasUrl = sas,
                },
                PageSizeBytes = (uint)MiB,
                CacheSizeBytes = 2 * (ulong)MiB,
                Overwrite = true,
            };
            var job = (await client.StartRestoreAsync(request)).JobId;
            var result = await RestoreDriver.WatchAsync(client, job);
            Assert.True(result.State == RestoreState.Completed, result.Error);
        }

        // The taps were in the path: the disk's data crossed the agents' hop, the requests the controller's.
        Assert.True(agentsTap.Captured.Length > 2 * 4 * MiB, $"the agents' tap carried {agentsTap.Captured.Length} bytes");
        Assert.True(controllerTap.Captured.Length > 0, "the controller's tap carried nothing");
        return new Wiretap(controllerTap.Captured, agentsTap.Captured, sasUrl);
    }

    /// <summary>What the taps carried: the controller's hop, the agents' hop, and the SAS URL that was sent.</summary>
    private sealed record Wiretap(byte[] Controller, byte[] Agents, string SasUrl)
    {
        /// <summary>Each secret or piece of disk data found in clear, in a fixed order.</summary>
        public IEnumerable<string> Leaks()
        {
            // The signature as the request carries it (URL-encoded, inside the SAS URL), and decoded.
            var signatureAsSent = SasUrl[(SasUrl.IndexOf("sig=", StringComparison.Ordinal) + 4)..].Split('&')[0];
            if (Saw(Controller, AzuriteFixture.AccountKey)) yield return "account key";
            if (Saw(Controller, "AccountKey=")) yield return "connection string";
            if (Saw(Controller, signatureAsSent)) yield return "SAS signature as sent";
            if (Saw(Controller, AzuriteSas.SignatureOf(SasUrl))) yield return "SAS signature decoded";
            if (Agents.AsSpan().IndexOf(Canary) >= 0) yield return "disk data";
            if (Agents.AsSpan().IndexOf(Canary.AsSpan(0, 16)) >= 0) yield return "a piece of disk data";
        }

        private static bool Saw(byte[] captured, string text) => captured.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
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
