using Microsoft.Extensions.Options;

namespace RestoreAgents.DataAgent;

/// <summary>
/// The checks data annotations cannot express: the nested cloud settings and the mount path. Runs at start, so a
/// bad setting stops the agent with its name instead of failing the first job.
/// </summary>
internal sealed class DataAgentOptionsValidator : IValidateOptions<DataAgentOptions>
{
    public ValidateOptionsResult Validate(string? name, DataAgentOptions options)
    {
        var failures = new List<string>();
        try
        {
            options.Cloud.Validate();
        }
        catch (ArgumentException e)
        {
            failures.Add($"DataAgent:Cloud: {e.Message}");
        }
        if (options.PseudoDisk == PseudoDiskMode.Fuse && string.IsNullOrWhiteSpace(options.MountPath))
            failures.Add("DataAgent:MountPath is required when DataAgent:PseudoDisk is fuse");
        if (options.MediaAgentTimeout <= TimeSpan.Zero)
            failures.Add($"DataAgent:MediaAgentTimeout is {options.MediaAgentTimeout}; it must be positive");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
