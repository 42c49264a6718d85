using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RestoreAgents.Cli.Tests.Fakes;

/// <summary>A real Kestrel host on a loopback port (HTTP/2 without TLS, as the agents serve) for the fakes.</summary>
public sealed class FakeAgentHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeAgentHost(WebApplication app, FakeDataAgent dataAgent, FakeMediaAgent mediaAgent)
    {
        _app = app;
        DataAgent = dataAgent;
        MediaAgent = mediaAgent;
        Url = app.Urls.Single();
    }

    public FakeDataAgent DataAgent { get; }
    public FakeMediaAgent MediaAgent { get; }

    /// <summary>http://127.0.0.1:PORT, serving both fakes.</summary>
    public string Url { get; }

    /// <summary>Starts the fakes; without <paramref name="serveMediaAgent"/> the host is a data agent only.</summary>
    public static async Task<FakeAgentHost> StartAsync(bool serveMediaAgent = true)
    {
        var dataAgent = new FakeDataAgent();
        var mediaAgent = new FakeMediaAgent();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(dataAgent);
        builder.Services.AddSingleton(mediaAgent);

        var app = builder.Build();
        app.MapGrpcService<FakeDataAgent>();
        if (serveMediaAgent) app.MapGrpcService<FakeMediaAgent>();
        await app.StartAsync();
        return new FakeAgentHost(app, dataAgent, mediaAgent);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
