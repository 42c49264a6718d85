using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RestoreAgents.Hosting.Security;
using RestoreAgents.Telemetry;

namespace RestoreAgents.Hosting;

/// <summary>
/// The set-up every agent's gRPC host shares: settings beside the binary, Kestrel speaking HTTP/2 only over mutual
/// TLS (<see cref="AgentSecurity"/>), the one telemetry set-up, the standard health service with the agent's own
/// check, and reflection when Hosting:EnableReflection says so.
/// </summary>
public static class AgentHost
{
    /// <param name="telemetryName">The agent's service name in traces and its ActivitySource.</param>
    /// <param name="healthCheckName">Names the agent's health check (what it depends on: "store", "cache").</param>
    /// <param name="healthCheck">Reads the agent's configuration; unhealthy makes the health service say NOT_SERVING.</param>
    /// <param name="roles">The roles Access:Roles may give on this agent.</param>
    /// <param name="configureGrpc">Adds the agent's interceptors (its audit interceptor first).</param>
    public static WebApplicationBuilder CreateBuilder(string[] args, string telemetryName, string healthCheckName,
        Func<IConfiguration, HealthCheckResult> healthCheck, IReadOnlyCollection<string> roles,
        Action<GrpcServiceOptions> configureGrpc)
    {
        // Settings sit beside the binary, wherever the host is started from (systemd, the demo, tests).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
        builder.AddRestoreAgentsTelemetry(telemetryName);
        AgentSecurity.Add(builder, roles);
        builder.Services.AddOptions<HostingOptions>().BindConfiguration(HostingOptions.Section);

        builder.Services.AddGrpc(configureGrpc);
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck(healthCheckName, () => healthCheck(builder.Configuration));
        return builder;
    }

    /// <summary>Builds the host and maps the agent's service beside health (and reflection, if enabled).</summary>
    public static WebApplication Build<TService>(WebApplicationBuilder builder) where TService : class
    {
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGrpcService<TService>();
        app.MapGrpcHealthChecksService();
        if (app.Services.GetRequiredService<IOptions<HostingOptions>>().Value.EnableReflection)
            app.MapGrpcReflectionService();
        AgentSecurity.AnnounceAtStart(app);
        return app;
    }
}
