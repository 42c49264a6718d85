using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using RestoreAgents.DataAgent.MediaAgents;
using RestoreAgents.Testing;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>
/// What a caller learns when a media agent cannot be used: its configured name and nothing of what answered at its
/// address (nothing, a silent listener, another server), so StartRestore is no probe of the proxy's network.
/// </summary>
public sealed class MediaAgentErrorTests(MediaAgentOnLoopback media) : IClassFixture<MediaAgentOnLoopback>
{
    private const string Banner = "internal admin console 4.2 - token 1234";

    [Fact]
    public async Task UnknownAndUnusableMediaAgents_GetMessagesThatSayNothingOfWhatAnswered()
    {
        await using var silent = new SilentEndpoint();
        await using var web = await OtherServerAsync(media.Pki);
        var refusing = FreePort.Next();
        await using var agent = new DataAgentUnderTest(media.Pki, media.Url, configure: options =>
        {
            options.MediaAgentTimeout = TimeSpan.FromSeconds(2);
            options.MediaAgents["down"] = new MediaAgentEndpointOptions { Url = $"https://127.0.0.1:{refusing}" };
            options.MediaAgents["silent"] = new MediaAgentEndpointOptions { Url = $"https://127.0.0.1:{silent.Port}" };
            options.MediaAgents["web"] = new MediaAgentEndpointOptions { Url = web.Urls.Single() };
        });

        var unknown = await StartFailsAsync(agent, "elsewhere");
        var down = await StartFailsAsync(agent, "down");
        var hanging = await StartFailsAsync(agent, "silent");
        var other = await StartFailsAsync(agent, "web");

        Assert.Equal((StatusCode.InvalidArgument, "no media agent named 'elsewhere' is configured on this data agent"),
            (unknown.StatusCode, unknown.Status.Detail));
        // The network's own words (refused, timed out) tell nothing of what answered; a server that did answer
        // is not described at all.
        foreach (var (error, said) in new[] { (down, "media agent 'down' is unreachable: connection refused (the data "
                     + "agent's log says more)"), (hanging, "media agent 'silent' is unreachable: timed out (the data "
                     + "agent's log says more)"), (other, "media agent 'web' is unreachable (the data agent's log says why)") })
        {
            Assert.Equal(StatusCode.Unavailable, error.StatusCode);
            Assert.Equal(said, error.Status.Detail);
        }
        Assert.True(silent.Connections > 0, "the silent media agent was never dialled");
    }

    private static async Task<RpcException> StartFailsAsync(DataAgentUnderTest agent, string mediaAgent)
    {
        var request = DataAgentUnderTest.Request(MediaAgentOnLoopback.CopyName);
        request.MediaAgent = mediaAgent;
        return await Assert.ThrowsAsync<RpcException>(() => agent.StartRestoreAsync(request));
    }

    /// <summary>
    /// Some other HTTP/2 service on the proxy's network, with a certificate of the same CA (so TLS succeeds), which
    /// tells whoever asks what it is.
    /// </summary>
    private static async Task<WebApplication> OtherServerAsync(TestPki pki)
    {
        var files = pki.Files(TestPki.MediaAgent);
        var certificate = X509Certificate2.CreateFromPemFile(files.CertificateFile, files.KeyFile);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint =>
        {
            endpoint.Protocols = HttpProtocols.Http2;
            endpoint.UseHttps(certificate);
        }));
        builder.WebHost.UseUrls("https://127.0.0.1:0");
        var app = builder.Build();
        app.Run(context => context.Response.WriteAsync(Banner));
        await app.StartAsync();
        return app;
    }
}
