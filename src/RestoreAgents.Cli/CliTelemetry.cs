using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RestoreAgents.Telemetry;

namespace RestoreAgents.Cli;

/// <summary>
/// restorectl's span: one per command, the parent of the agents' spans through W3C trace context. Exported over
/// OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set; TRACEPARENT (a caller's span) becomes its parent.
/// </summary>
public static class CliTelemetry
{
    public const string SourceName = "RestoreAgents.Cli";

    private static readonly ActivitySource Source = TelemetrySources.CreateSource(SourceName, typeof(CliTelemetry));

    /// <summary>An OTLP exporter when the standard variables ask for one; dispose it to flush before exit.</summary>
    public static IDisposable? StartExport(CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!OtlpExport.IsConfigured(environment.Variables)) return null;
        return Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(resource => resource.AddService("restorectl",
                serviceVersion: TelemetrySources.VersionOf(typeof(CliTelemetry))))
            .AddSource(SourceName)
            .AddOtlpExporter()
            .Build();
    }

    /// <summary>Starts the command's span (null when nobody listens).</summary>
    public static Activity? StartCommand(string commandName, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ActivityContext.TryParse(environment.Variables("TRACEPARENT"), environment.Variables("TRACESTATE"),
            out var parent);
        var activity = Source.StartActivity($"restorectl {commandName}", ActivityKind.Client, parent);
        activity?.SetTag("restorectl.command", commandName);
        return activity;
    }
}
