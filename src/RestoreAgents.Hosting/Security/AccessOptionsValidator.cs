using Microsoft.Extensions.Options;

namespace RestoreAgents.Hosting.Security;

/// <summary>A role this agent does not know is a typo that would grant nothing: stop at start, naming it.</summary>
internal sealed class AccessOptionsValidator(IReadOnlyCollection<string> knownRoles) : IValidateOptions<AccessOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessOptions options)
    {
        var unknown = options.Roles.Keys
            .Where(r => !knownRoles.Contains(AccessRoles.Canonical(r), StringComparer.OrdinalIgnoreCase)).ToList();
        return unknown.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Access:Roles:{unknown[0]} is not a role of this agent; its roles are "
                + string.Join(", ", knownRoles));
    }
}
