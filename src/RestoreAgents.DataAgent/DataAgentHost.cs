using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using RestoreAgents.DataAgent.Jobs;
using RestoreAgents.DataAgent.Services;
using RestoreAgents.Telemetry;

namespace RestoreAgents.DataAgent;

/// <summary>Builds the data agent's web host: used by Program and by tests that start real hosts in-process.</summary>
public static class DataAgentHost
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
        builder.AddRestoreAgentsTelemetry(DataAgentTelemetry.Name);

        builder.Services.AddOptions<DataAgentOptions>()
            .BindConfiguration(DataAgentOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DataAgentOptions>, DataAgentOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DirectRestoreDiskFactory>();
        builder.Services.AddSingleton<FuseRestoreDiskFactory>();
        builder.Services.AddSingleton<IRestoreDiskFactory>(services =>
            services.GetRequiredService<IOptions<DataAgentOptions>>().Value.PseudoDisk == PseudoDiskMode.Fuse
                ? services.GetRequiredService<FuseRestoreDiskFactory>()
                : services.GetRequiredService<DirectRestoreDiskFactory>());
        builder.Services.AddSingleton<RestoreRunner>();
        builder.Services.AddSingleton<RestoreJobRegistry>();
        builder.Services.AddHostedService<JobShutdownService>();

        builder.Services.AddGrpc(grpc => grpc.Interceptors.Add<RestoreExceptionInterceptor>());
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck("cache", () => CacheHealth.Check(builder.Configuration));

        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapGrpcService<DataAgentService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }
}
