namespace RestoreAgents.Testing.Otlp;

/// <summary>One instrument as an exporter sent it: its name and unit, the meter (scope) and service it came from.</summary>
public sealed record ExportedMetric(string Name, string Unit, string Service, string Scope, string ScopeVersion);
