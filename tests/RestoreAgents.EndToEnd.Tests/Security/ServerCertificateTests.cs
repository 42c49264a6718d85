using Grpc.Core;
using Microsoft.Extensions.Logging;
using RestoreAgents.Cli;
using RestoreAgents.DataAgent.Jobs;
using RestoreAgents.MediaAgent;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests.Security;

/// <summary>
/// Clients check the agent they dial: the data agent refuses a media agent, and restorectl a data agent, whose
/// certificate is of another CA or names another host, and each says which certificate and why.
/// </summary>
[Collection(AgentsCollection.Name)]
public sealed class ServerCertificateTests(AgentsFixture agents)
{
    public static TheoryData<string, string> Impostors => new()
    {
        { TestPki.OtherCa, "is not issued by a trusted CA" },
        { TestPki.WrongName, "does not name 127.0.0.1 (its names: elsewhere.invalid)" },
    };

    [Theory]
    [MemberData(nameof(Impostors))]
    public async Task DataAgent_RefusesAMediaAgentWithABadCertificate_TellingTheCallerItsNameAndTheLogWhy(
        string certificate, string why)
    {
        using var store = new TempDirectory("impostor-store");
        await using var impostor = MediaAgentHost.Build(["--urls", "https://127.0.0.1:0",
            $"--MediaAgent:StorePath={store.Path}", .. agents.Pki.MediaAgentSettings(), .. agents.Pki.TlsSettings(certificate)]);
        await impostor.StartAsync();
        // A data agent configured with the impostor as media agent "impostor"; its job log keeps the cause.
        var log = new LogRecorder(typeof(RestoreJobRegistry).FullName!);
        using var folder = new TempDirectory("impostor-data-agent");
        await using var dataAgent = await agents.StartDataAgentAsync(folder.Combine("cache"),
            builder => builder.Logging.AddProvider(log), "--DataAgent:PseudoDisk=direct",
            $"--DataAgent:MediaAgents:impostor:Url={impostor.Urls.Single()}");
        var request = new RestoreDriver(agents).Request("anything", "impostor.vhd", 1024 * 1024, 4 * 1024 * 1024,
            mediaAgent: "impostor");
        using var channel = agents.ChannelTo(dataAgent);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new Protocol.V1.DataAgent.DataAgentClient(channel).StartRestoreAsync(request).ResponseAsync);

        Assert.True(error.StatusCode == StatusCode.Unavailable, error.ToString());
        Assert.Equal("media agent 'impostor' is unreachable (the data agent's log says why)", error.Status.Detail);
        Assert.Contains(log.Lines, line => line.Contains("media agent 'impostor'") && line.Contains(why));
    }

    [Theory]
    [MemberData(nameof(Impostors))]
    public async Task Restorectl_RefusesADataAgentWithABadCertificate(string certificate, string why)
    {
        using var folder = new TempDirectory("impostor-data-agent");
        await using var impostor = await agents.StartDataAgentAsync(folder.Combine("cache"),
            [.. agents.Pki.TlsSettings(certificate)]);

        var result = await RestorectlAsync("status", "--data-agent", impostor.Urls.Single());

        Assert.True(result.ExitCode == ExitCodes.AgentUnreachable, result.Error);
        Assert.Contains(why, result.Error);
    }

    [Fact]
    public async Task Restorectl_WithTheOperatorsCertificate_ReachesTheDataAgent()
    {
        var result = await RestorectlAsync("status", "--data-agent", agents.DataAgentUrl.ToString());

        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
    }

    [Fact]
    public async Task Restorectl_AsAViewer_IsToldItsCertificateLacksTheRole()
    {
        var result = await RestorectlAsAsync(TestPki.Viewer, "cancel", "--data-agent", agents.DataAgentUrl.ToString(), "r-1");

        Assert.Equal(ExitCodes.OtherError, result.ExitCode);
        Assert.Contains("the data agent refused this call: the identity of your certificate (--cert) has no role", result.Error);
    }

    [Fact]
    public async Task Restorectl_WithACertificateTheAgentRefuses_SaysTheHandshakeFailed()
    {
        var result = await RestorectlAsAsync(TestPki.OtherCa, "status", "--data-agent", agents.DataAgentUrl.ToString());

        Assert.True(result.ExitCode == ExitCodes.AgentUnreachable, result.Error);
        Assert.True(result.Error.Contains("the TLS handshake failed"), result.Error);
    }

    private Task<(int ExitCode, string Error)> RestorectlAsync(params string[] args) =>
        RestorectlAsAsync(TestPki.Operator, args);

    private async Task<(int ExitCode, string Error)> RestorectlAsAsync(string who, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var files = agents.Pki.Files(who);
        var environment = new CliEnvironment(output, error, interactive: false, _ => null);
        var exitCode = await Restorectl.RunAsync([.. args, "--cert", files.CertificateFile, "--key", files.KeyFile,
            "--ca", files.TrustedCaFile], environment);
        return (exitCode, error.ToString());
    }
}
