using System.Text.Json.Nodes;

namespace RestoreAgents.Testing.FakeArm;

/// <summary>One request <see cref="FakeArmServer"/> received: method, path, api-version, body and bearer token.</summary>
public sealed record ArmRequest(string Method, string Path, string? ApiVersion, JsonNode? Body, string? BearerToken)
{
    public override string ToString() => $"{Method} {Path}";
}
