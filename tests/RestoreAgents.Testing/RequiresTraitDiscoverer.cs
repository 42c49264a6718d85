using Xunit.Abstractions;
using Xunit.Sdk;

namespace RestoreAgents.Testing;

/// <summary>Turns a <see cref="RequiresAttribute"/> into one "Requires" trait per part it names.</summary>
public sealed class RequiresTraitDiscoverer : ITraitDiscoverer
{
    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute) =>
        traitAttribute.GetConstructorArguments().OfType<RealPart[]>().SelectMany(parts => parts)
            .Select(part => new KeyValuePair<string, string>(RequiresAttribute.TraitName, part.ToString()));
}
