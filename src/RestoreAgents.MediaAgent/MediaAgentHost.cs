using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using RestoreAgents.MediaAgent.Services;
using RestoreAgents.Store;
using RestoreAgents.Telemetry;

namespace RestoreAgents.MediaAgent;

/// <summary>Builds the media agent's web host: used by Program and by tests that start real hosts in-process.</summary>
public static class MediaAgentHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Settings sit beside the binary, wherever the host is started from (systemd, the demo, tests).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
        builder.AddRestoreAgentsTelemetry(MediaAgentTelemetry.Name);

        builder.Services.AddOptions<MediaAgentOptions>()
            .BindConfiguration(MediaAgentOptions.Section)
            .ValidateDataAnnotations()
            .Validate(options => Directory.Exists(options.StorePath),
                "MediaAgent:StorePath names a folder that does not exist (create a copy with 'restorectl backup').")
            .ValidateOnStart();
        builder.Services.AddSingleton(services =>
            new SecondaryCopyStore(services.GetRequiredService<IOptions<MediaAgentOptions>>().Value.StorePath));

        builder.Services.AddGrpc(grpc => grpc.Interceptors.Add<StoreExceptionInterceptor>());
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks()
            .AddCheck("store", () => StoreHealth.Check(builder.Configuration));

        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapGrpcService<MediaAgentService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }
}
