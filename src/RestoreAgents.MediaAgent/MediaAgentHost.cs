using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RestoreAgents.Hosting;
using RestoreAgents.Hosting.Security;
using RestoreAgents.MediaAgent.Services;
using RestoreAgents.Store;

namespace RestoreAgents.MediaAgent;

/// <summary>Builds the media agent's web host: used by Program and by tests that start real hosts in-process.</summary>
public static class MediaAgentHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = AgentHost.CreateBuilder(args, MediaAgentTelemetry.Name, "store", StoreHealth.Check,
            AccessRoles.OfMediaAgent, grpc =>
            {
                grpc.Interceptors.Add<MediaAgentAudit>();
                grpc.Interceptors.Add<StoreExceptionInterceptor>();
            });

        builder.Services.AddOptions<MediaAgentOptions>()
            .BindConfiguration(MediaAgentOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MediaAgentOptions>, MediaAgentOptionsValidator>();
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<MediaAgentOptions>>().Value;
            return new SecondaryCopyStore(options.StorePath, services.GetRequiredService<ILogger<SecondaryCopyStore>>(),
                options.ReadAheadChunks);
        });
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<MediaAgentMetrics>();

        configure?.Invoke(builder);
        return AgentHost.Build<MediaAgentService>(builder);
    }
}
