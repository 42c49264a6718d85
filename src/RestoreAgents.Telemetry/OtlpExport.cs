namespace RestoreAgents.Telemetry;

/// <summary>
/// When a process exports: only when one of the standard OTLP endpoint variables is set, so a host without a
/// collector pays nothing for export. Protocol, headers and intervals come from the other OTEL_* variables.
/// </summary>
public static class OtlpExport
{
    private static readonly string[] EndpointVariables =
    [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    ];

    /// <param name="variable">Reads a setting or environment variable by name.</param>
    public static bool IsConfigured(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        return EndpointVariables.Any(name => !string.IsNullOrWhiteSpace(variable(name)));
    }

    /// <summary>The first endpoint variable that is set to anything but an http(s) URL, as one line; else null.</summary>
    /// <param name="variable">Reads a setting or environment variable by name.</param>
    public static string? EndpointProblem(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        foreach (var name in EndpointVariables)
        {
            var value = variable(name);
            if (string.IsNullOrWhiteSpace(value)) continue;
            if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                return $"{name} is '{value}'; it must be an http:// or https:// URL of an OTLP receiver, e.g. http://localhost:4317";
        }
        return null;
    }
}
