using Microsoft.Extensions.Options;
using RestoreAgents.Caching;
using RestoreAgents.Cloud;
using RestoreAgents.Connections;
using RestoreAgents.DataAgent.Destinations;
using RestoreAgents.DataAgent.MediaAgents;
using RestoreAgents.DataAgent.Disks;
using RestoreAgents.DataAgent.Jobs;
using RestoreAgents.DataAgent.Services;
using RestoreAgents.Hosting;
using RestoreAgents.Hosting.Security;
using RestoreAgents.Security;

namespace RestoreAgents.DataAgent;

/// <summary>Builds the data agent's web host: used by Program and by tests that start real hosts in-process.</summary>
public static class DataAgentHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = AgentHost.CreateBuilder(args, DataAgentTelemetry.Name, "cache", CacheHealth.Check,
            AccessRoles.OfDataAgent, grpc =>
            {
                grpc.Interceptors.Add<DataAgentAudit>();
                grpc.Interceptors.Add<RestoreExceptionInterceptor>();
            });

        builder.Services.AddOptions<DataAgentOptions>()
            .BindConfiguration(DataAgentOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DataAgentOptions>>(services => new DataAgentOptionsValidator(
            services.GetRequiredService<IOptions<TlsOptions>>().Value.AllowPlaintext));
        // Made once: each destination's one account client, each media agent's name and address.
        builder.Services.AddSingleton<StorageDestinations>();
        builder.Services.AddSingleton<MediaAgentDirectory>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DataAgentMetrics>();
        builder.Services.AddSingleton<PageCacheMetrics>();
        builder.Services.AddSingleton<CloudMetrics>();
        // Not a setting: the storage calls count their throttling answers on the host's meter.
        builder.Services.AddOptions<DataAgentOptions>().PostConfigure<CloudMetrics>(
            (options, cloudMetrics) => options.Cloud.MeasureWith(cloudMetrics));
        // One channel per configured media agent, shared by every job; disposed with the host. It presents the agent's own
        // certificate (Tls:*) and trusts the same CAs; plaintext media agents only when Tls:AllowPlaintext is on.
        builder.Services.AddSingleton(services =>
        {
            var channels = services.GetRequiredService<IOptions<DataAgentOptions>>().Value.MediaAgentChannels;
            channels.AllowPlaintext = services.GetRequiredService<IOptions<TlsOptions>>().Value.AllowPlaintext;
            return new AgentChannels(channels, services.GetService<CertificateSource>(),
                services.GetRequiredService<TimeProvider>());
        });
        builder.Services.AddSingleton<DirectRestoreDiskFactory>();
        builder.Services.AddSingleton<FuseRestoreDiskFactory>();
        builder.Services.AddSingleton<IRestoreDiskFactory>(services =>
            services.GetRequiredService<IOptions<DataAgentOptions>>().Value.PseudoDisk == PseudoDiskMode.Fuse
                ? services.GetRequiredService<FuseRestoreDiskFactory>()
                : services.GetRequiredService<DirectRestoreDiskFactory>());
        builder.Services.AddSingleton<RestoreRunner>();
        builder.Services.AddSingleton<RestoreJobRegistry>();
        builder.Services.AddHostedService<JobRecovery>();
        builder.Services.AddHostedService(services => services.GetRequiredService<FuseRestoreDiskFactory>());
        builder.Services.AddHealthChecks().AddCheck<PseudoDiskHealth>("pseudo-disk");
        builder.Services.AddHostedService<JobShutdownService>();

        configure?.Invoke(builder);

        return AgentHost.Build<DataAgentService>(builder);
    }
}
