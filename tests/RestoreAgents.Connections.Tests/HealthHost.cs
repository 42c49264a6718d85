using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace RestoreAgents.Connections.Tests;

/// <summary>A real Kestrel host on a loopback port (HTTP/2 without TLS, as the agents serve) with the gRPC health service.</summary>
public sealed class HealthHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HealthHost(WebApplication app)
    {
        _app = app;
        Address = new Uri(app.Urls.Single());
    }

    public Uri Address { get; }

    public static async Task<HealthHost> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddGrpcHealthChecks().AddCheck("agent", () => HealthCheckResult.Healthy());
        var app = builder.Build();
        app.MapGrpcHealthChecksService();
        await app.StartAsync();
        return new HealthHost(app);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
