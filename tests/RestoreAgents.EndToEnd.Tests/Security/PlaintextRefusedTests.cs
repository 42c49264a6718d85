using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Options;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests.Security;

/// <summary>
/// On their default configuration both agents listen on one port, speak TLS there and nothing else: a plaintext
/// client gets no answer, and a plaintext address stops the agent at start unless development mode allows it.
/// </summary>
[Collection(AgentsCollection.Name)]
public sealed class PlaintextRefusedTests(AgentsFixture agents)
{
    [Theory]
    [InlineData("RestoreAgents.MediaAgent")]
    [InlineData("RestoreAgents.DataAgent")]
    public async Task AgentProcess_OnItsDefaults_OpensOnlyItsTlsPort_AndRefusesPlaintextThere(string project)
    {
        using var folder = new TempDirectory("plaintext-refused");
        Directory.CreateDirectory(folder.Combine("store"));
        string[] settings = project.Contains("Media", StringComparison.Ordinal)
            ? [$"--MediaAgent:StorePath={folder.Combine("store")}"]
            : [$"--DataAgent:CacheDirectory={folder.Combine("cache")}", $"--DataAgent:MountPath={folder.Combine("mount")}"];
        await using var agent = await AgentProcess.StartAsync(project, agents.Pki, settings);

        Assert.Equal([agent.Url.Port], ListeningPorts.Of(agent.Id));
        using var plaintext = TlsProbe.Plaintext(agent.Url);
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            new Health.HealthClient(plaintext).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(20)).ResponseAsync);
        Assert.NotEqual(StatusCode.DeadlineExceeded, refused.StatusCode);
        using var tls = agents.Pki.Channel(agent.Url, TestPki.Viewer);
        var health = await new Health.HealthClient(tls).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task DataAgent_WithAPlaintextAddress_StopsAtStart_NamingTheSetting()
    {
        using var folder = new TempDirectory("plaintext-address");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            agents.StartDataAgentAsync(folder.Combine("cache"), "--urls", "http://127.0.0.1:0"));

        Assert.Contains("http://127.0.0.1:0 is plaintext", error.Message);
        Assert.Contains("Tls:AllowPlaintext", error.Message);
    }

    [Fact]
    public async Task DataAgent_InDevelopmentMode_ServesPlaintext_AndSaysSoAtStart()
    {
        using var folder = new TempDirectory("plaintext-allowed");
        var warned = agents.Audit.LineAsync(l => l.Contains("WARNING: Tls:AllowPlaintext is true", StringComparison.Ordinal));

        await using var agent = await agents.StartDataAgentAsync(folder.Combine("cache"), "--DataAgent:PseudoDisk=direct",
            "--Tls:AllowPlaintext=true", "--urls", "http://127.0.0.1:0");

        await warned.WaitAsync(TimeSpan.FromSeconds(30));
        using var plaintext = Grpc.Net.Client.GrpcChannel.ForAddress(agent.Urls.Single());
        var client = new Protocol.V1.DataAgent.DataAgentClient(plaintext);
        await client.ListRestoresAsync(new Protocol.V1.ListRestoresRequest());
        // Callers there prove nothing, and the audit log says so.
        await Assert.ThrowsAsync<RpcException>(() =>
            client.CancelRestoreAsync(new Protocol.V1.CancelRestoreRequest { JobId = "r-plaintext" }).ResponseAsync);
        await agents.Audit.LineAsync(l => l.Contains("caller=anonymous (plaintext) call=/restoreagents.v1.DataAgent/"
            + "CancelRestore outcome=failed job=r-plaintext", StringComparison.Ordinal)).WaitAsync(TimeSpan.FromSeconds(30));
    }
}
