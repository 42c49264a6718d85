using System.Text.Json.Serialization;

namespace RestoreAgents.DataAgent.Journal;

/// <summary>The journal's request record as JSON, without reflection.</summary>
[JsonSerializable(typeof(JournaledRequest))]
internal sealed partial class JournalJsonContext : JsonSerializerContext;
