using Xunit.Sdk;

namespace RestoreAgents.Testing;

/// <summary>
/// Tags a test (or every test of a class) with the real parts it needs, as traits <c>Requires=Fuse</c> and so on,
/// so <c>dotnet test --filter "Requires!=Fuse&amp;Requires!=Azurite&amp;Requires!=QemuImg"</c> runs the rest.
/// </summary>
[TraitDiscoverer("RestoreAgents.Testing.RequiresTraitDiscoverer", "RestoreAgents.Testing")]
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class RequiresAttribute(params RealPart[] parts) : Attribute, ITraitAttribute
{
    public const string TraitName = "Requires";

    public IReadOnlyList<RealPart> Parts { get; } = parts;
}
