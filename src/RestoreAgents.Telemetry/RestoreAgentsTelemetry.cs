using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace RestoreAgents.Telemetry;

/// <summary>
/// The one OpenTelemetry set-up of every RestoreAgents host: our own sources and meters, ASP.NET Core (incoming
/// gRPC) and HttpClient (outgoing gRPC and Azure Storage calls) instrumentation, W3C trace context, and OTLP export
/// configured by the standard OTEL_* environment variables.
/// </summary>
public static class RestoreAgentsTelemetry
{
    /// <summary>Every ActivitySource and Meter of the product is named under this prefix.</summary>
    public const string Prefix = "RestoreAgents";

    public static IHostApplicationBuilder AddRestoreAgentsTelemetry(this IHostApplicationBuilder builder,
        string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(serviceName);

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName,
                serviceVersion: typeof(RestoreAgentsTelemetry).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddSource($"{Prefix}.*")
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = context => !context.Request.Path.StartsWithSegments("/grpc.health.v1.Health"))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter($"{Prefix}.*")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .WithLogging(configureBuilder: null, configureOptions: logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            });

        // Export only when an endpoint is configured, so a host without a collector pays nothing for it.
        if (IsOtlpConfigured(builder.Configuration))
            otel.UseOtlpExporter();

        return builder;
    }

    private static bool IsOtlpConfigured(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) ||
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);
}
