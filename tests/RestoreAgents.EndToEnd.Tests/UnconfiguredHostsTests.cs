using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// No request makes the data agent dial a host its configuration does not name, and a name that a URL would
/// rewrite (.., a backslash, a control character) is refused before the configured storage host is dialled. A
/// listening port counts the connections: each refused request leaves it untouched, and a control request shows
/// that a dial would have been seen.
/// </summary>
[Requires(RealPart.Azurite)]
[Collection(AgentsCollection.Name)]
public sealed class UnconfiguredHostsTests(AgentsFixture agents)
{
    private const uint MiB = 1024 * 1024;

    [Fact]
    public async Task StartRestore_NeverDialsAMediaAgentOrStorageHostTheConfigurationDoesNotName()
    {
        using var trap = new ListeningPort();
        using var cache = new TempDirectory("unconfigured-hosts");
        await using var dataAgent = await agents.StartDataAgentAsync(cache.Path, "--DataAgent:PseudoDisk=direct",
            "--DataAgent:MediaAgentTimeout=00:00:02", $"--DataAgent:MediaAgents:trap:Url=https://127.0.0.1:{trap.Port}");
        using var channel = agents.ChannelTo(dataAgent);
        var client = new Protocol.V1.DataAgent.DataAgentClient(channel);
        var driver = new RestoreDriver(agents);
        // A copy that exists: a request that got through would start a job that dials.
        var image = Path.Combine(agents.WorkPath, "hosts.raw");
        await TestDiskImage.CreateAsync(image, MiB, seed: 6);
        await driver.BackupAsync(image, "hosts");
        var sas = AzuriteSas.ContainerSasUrl($"http://127.0.0.1:{trap.Port}/{AzuriteFixture.AccountName}", "restores",
            Azure.Storage.Sas.BlobContainerSasPermissions.All);

        var refused = new List<(string What, StartRestoreRequest Request)>();
        foreach (var name in new[] { $"127.0.0.1:{trap.Port}", $"http://127.0.0.1:{trap.Port}", "elsewhere" })
        {
            var request = driver.Request("hosts", "x.vhd", MiB, 4 * MiB);
            request.MediaAgent = name;
            refused.Add(($"media agent '{name}'", request));
        }
        foreach (var url in new[] { sas, sas.Replace("http://", "https://", StringComparison.Ordinal) })
        {
            var request = driver.Request("hosts", "x.vhd", MiB, 4 * MiB);
            request.Target.SasUrl = url;
            refused.Add(("a SAS URL of an unlisted port", request));
        }

        foreach (var (what, request) in refused)
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () => await client.StartRestoreAsync(request));
            Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{what}: {error.Status}");
            Assert.False(trap.Dialled, $"{what}: the data agent dialled the unconfigured port");
        }
        Assert.Empty((await client.ListRestoresAsync(new ListRestoresRequest())).Jobs);

        // The control: a media agent the configuration names is dialled, and the port sees it.
        var control = driver.Request("hosts", "x.vhd", MiB, 4 * MiB);
        control.MediaAgent = "trap";
        var unreachable = await Assert.ThrowsAsync<RpcException>(async () => await client.StartRestoreAsync(control));
        Assert.Equal(StatusCode.Unavailable, unreachable.StatusCode);
        Assert.True(trap.Dialled, "the configured media agent's port saw no connection: the test proves nothing");
    }

    [Theory]
    [InlineData("restores", "../../internal/admin/reset")]
    [InlineData("restores", "vm01/./../../x.vhd")]
    [InlineData("restores", @"..\..\internal\admin\reset")]
    [InlineData("restores", "vm01\u0000.vhd")]
    [InlineData("restores", "vm01.vhd\r\nx-ms-version: 1")]
    [InlineData("..", "vm01.vhd")]
    [InlineData("restores/..", "vm01.vhd")]
    public async Task StartRestore_RefusesANameAUrlWouldRewrite_BeforeTheStorageHostSeesAnything(string container,
        string blobName)
    {
        using var storage = new ListeningPort();
        using var cache = new TempDirectory("rewritten-names");
        await using var dataAgent = await agents.StartDataAgentAsync(cache.Path, ["--DataAgent:PseudoDisk=direct",
            "--DataAgent:Cloud:MaxRetries=0", "--DataAgent:Cloud:NetworkTimeout=00:00:02",
            .. agents.AzuriteAt("recorded", $"http://127.0.0.1:{storage.Port}/{AzuriteFixture.AccountName}")]);
        using var channel = agents.ChannelTo(dataAgent);
        var client = new Protocol.V1.DataAgent.DataAgentClient(channel);
        var driver = new RestoreDriver(agents);
        var image = Path.Combine(agents.WorkPath, "names.raw");
        if (!File.Exists(image))
        {
            await TestDiskImage.CreateAsync(image, MiB, seed: 5);
            await driver.BackupAsync(image, "names");
        }
        var request = driver.Request("names", blobName, MiB, 2 * MiB);
        request.Target.Destination = "recorded";
        request.Target.Container = container;

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.StartRestoreAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.False(storage.Dialled, "the storage host was dialled for a name that leaves its container");
        Assert.Empty((await client.ListRestoresAsync(new ListRestoresRequest())).Jobs);

        // The control: a good name reaches the storage host (which never answers, so the job fails).
        var control = driver.Request("names", "vm01.vhd", MiB, 2 * MiB);
        control.Target.Destination = "recorded";
        var result = await RestoreDriver.WatchAsync(client, (await client.StartRestoreAsync(control)).JobId);
        Assert.Equal(RestoreState.Failed, result.State);
        Assert.True(storage.Dialled, "the storage host saw no connection for a good name: the test proves nothing");
    }

    /// <summary>
    /// A loopback port that listens and never accepts: a connection to it completes in the kernel's backlog at once,
    /// so <see cref="Dialled"/> is true as soon as anyone has connected, with no wait.
    /// </summary>
    private sealed class ListeningPort : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        public ListeningPort()
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _socket.Listen(16);
            Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        }

        public int Port { get; }

        /// <summary>True when a connection waits to be accepted (a listening socket polls readable then).</summary>
        public bool Dialled => _socket.Poll(0, SelectMode.SelectRead);

        public void Dispose() => _socket.Dispose();
    }
}
