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
        if (string.IsNullOrWhiteSpace(options.CacheDirectory))
            failures.Add("DataAgent:CacheDirectory is empty; it must name a local folder for the page cache");
        else if (CacheHealth.WriteProblem(options.CacheDirectory) is { } unwritable)
            failures.Add($"DataAgent:CacheDirectory is '{options.CacheDirectory}'; it must be a folder this agent can "
                + $"create and write ({unwritable})");
        Range("DataAgent:UploadParallelism", options.UploadParallelism, 1, 64, failures);
        Range("DataAgent:MaxConcurrentJobs", options.MaxConcurrentJobs, 1, 64, failures);
        Range("DataAgent:MaxQueuedJobs", options.MaxQueuedJobs, 0, 10_000, failures);
        Range("DataAgent:FinishedJobsKept", options.FinishedJobsKept, 1, 100_000, failures);
        if (!Enum.IsDefined(options.PseudoDisk))
            failures.Add($"DataAgent:PseudoDisk is '{(int)options.PseudoDisk}'; it must be one of fuse, direct");
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

    private static void Range(string setting, int value, int min, int max, List<string> failures)
    {
        if (value < min || value > max)
            failures.Add($"{setting} is {value}; it must be between {min} and {max}");
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
