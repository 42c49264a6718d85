namespace RestoreAgents.Hosting.Security;

/// <summary>The roles one agent knows (<see cref="AccessRoles.OfDataAgent"/> or <see cref="AccessRoles.OfMediaAgent"/>).</summary>
public sealed record AgentRoles(IReadOnlyCollection<string> Names);
