using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RestoreAgents.Telemetry;

namespace RestoreAgents.Hosting;

/// <summary>
/// The one OpenTelemetry set-up of both agents: our own sources and meters, ASP.NET Core (incoming gRPC),
/// HttpClient (outgoing gRPC and storage calls) and the Azure SDK's own spans, W3C trace context, and OTLP export
/// configured by the standard OTEL_* variables; none of it without an OTLP endpoint (<see cref="OtlpExport"/>).
/// </summary>
public static class AgentTelemetry
{
    /// <summary>Azure.Core emits its spans through an ActivitySource only behind this switch.</summary>
    private const string AzureActivitySourceSwitch = "Azure.Experimental.EnableActivitySource";

    /// <summary>The gRPC client's own span of each call (rpc method and status), between ours and HttpClient's.</summary>
    private const string GrpcClientSource = "Grpc.Net.Client";

    public static IHostApplicationBuilder AddAgentTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        // Without an endpoint nothing listens: no span is made and no instrument records, at no cost.
        if (!OtlpExport.IsConfigured(name => builder.Configuration[name])) return builder;
        if (OtlpExport.EndpointProblem(name => builder.Configuration[name]) is { } problem)
            throw new OptionsValidationException("OTEL_EXPORTER_OTLP", typeof(AgentTelemetry), [problem]);
        AppContext.SetSwitch(AzureActivitySourceSwitch, true);

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName,
                serviceVersion: TelemetrySources.VersionOf(typeof(AgentTelemetry))))
            .WithTracing(tracing => tracing
                .AddSource($"{TelemetrySources.Prefix}.*")
                .AddSource("Azure.*")
                .AddSource(GrpcClientSource)
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = context => !context.Request.Path.StartsWithSegments("/grpc.health.v1.Health"))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter($"{TelemetrySources.Prefix}.*")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .WithLogging(configureBuilder: null, configureOptions: logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            })
            .UseOtlpExporter();
        return builder;
    }
}
