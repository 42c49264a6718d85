using Microsoft.Extensions.Options;
using RestoreAgents.Caching;
using RestoreAgents.DataAgent.Destinations;
using RestoreAgents.DataAgent.MediaAgents;

namespace RestoreAgents.DataAgent;

/// <summary>
/// The checks data annotations cannot express: Azure's page-size rule, the nested cloud and channel settings, the
/// mount path, the media agents and the destinations (their secrets read, their credentials built, no request
/// sent). Runs at start, so a bad setting stops the agent with its name instead of failing the first job.
/// </summary>
/// <param name="environment">Where *Environment settings are read (the process's environment outside tests).</param>
/// <param name="allowPlaintext">Tls:AllowPlaintext: whether a media agent may be configured at an http:// address.</param>
internal sealed class DataAgentOptionsValidator(Func<string, string?> environment, bool allowPlaintext)
    : IValidateOptions<DataAgentOptions>
{
    public DataAgentOptionsValidator(bool allowPlaintext)
        : this(Environment.GetEnvironmentVariable, allowPlaintext)
    {
    }

    public ValidateOptionsResult Validate(string? name, DataAgentOptions options)
    {
        var failures = new List<string>();
        if (!PageBlobRules.IsValidPageSize(options.PageSizeBytes))
            failures.Add($"DataAgent:PageSizeBytes is {options.PageSizeBytes}; it must be {PageBlobRules.PageSizeRule}");
        if (options.CacheSizeBytes < options.PageSizeBytes)
            failures.Add($"DataAgent:CacheSizeBytes is {options.CacheSizeBytes}; it must be at least one page of "
                + $"DataAgent:PageSizeBytes ({options.PageSizeBytes})");
        Nested("DataAgent:Cloud", options.Cloud.Validate, failures);
        Nested("DataAgent:MediaAgentChannels", options.MediaAgentChannels.Validate, failures);
        Nested("DataAgent:MediaAgentStream", options.MediaAgentStream.Validate, failures);
        Nested("DataAgent:Journal", options.Journal.Validate, failures);
        if (options.PseudoDisk == PseudoDiskMode.Fuse && string.IsNullOrWhiteSpace(options.MountPath))
            failures.Add("DataAgent:MountPath is required when DataAgent:PseudoDisk is fuse");
        if (options.MediaAgentTimeout <= TimeSpan.Zero)
            failures.Add($"DataAgent:MediaAgentTimeout is {options.MediaAgentTimeout}; it must be positive");
        if (options.CacheSizeBytes > options.MaxCacheSizeBytes)
            failures.Add($"DataAgent:CacheSizeBytes is {options.CacheSizeBytes}; it must be at most "
                + $"DataAgent:MaxCacheSizeBytes ({options.MaxCacheSizeBytes})");
        foreach (var (agent, settings) in options.MediaAgents)
        {
            if (MediaAgentDirectory.Problem(agent, settings, allowPlaintext) is { } problem)
                failures.Add(problem);
        }
        foreach (var (destination, settings) in options.Destinations)
            Nested("", () => StorageDestinationFactory.Create(destination, settings, options.Cloud, environment), failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Nested(string section, Action validate, List<string> failures)
    {
        try
        {
            validate();
        }
        catch (ArgumentException e)
        {
            failures.Add(section.Length == 0 ? e.Message : $"{section}: {e.Message}");
        }
    }
}
