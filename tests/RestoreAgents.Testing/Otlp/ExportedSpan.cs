namespace RestoreAgents.Testing.Otlp;

/// <summary>One span as an exporter sent it: ids in hex, the service (resource service.name) and scope it came from.</summary>
public sealed record ExportedSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    string Service,
    string Scope,
    string ScopeVersion,
    IReadOnlyDictionary<string, object?> Attributes,
    int StatusCode)
{
    public const int StatusError = 2;

    public object? Attribute(string key) => Attributes.GetValueOrDefault(key);

    public override string ToString() => $"{Service}/{Name} ({SpanId} under {ParentSpanId})";
}
