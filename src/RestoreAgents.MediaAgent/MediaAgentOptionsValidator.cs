using Microsoft.Extensions.Options;

namespace RestoreAgents.MediaAgent;

/// <summary>At start: the store folder exists and can be read, and the stream settings can work.</summary>
internal sealed class MediaAgentOptionsValidator : IValidateOptions<MediaAgentOptions>
{
    public ValidateOptionsResult Validate(string? name, MediaAgentOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.StorePath))
            failures.Add("MediaAgent:StorePath is empty; it must name the folder of the secondary-copy store to serve");
        else if (StoreProblem(options.StorePath) is { } problem)
            failures.Add($"MediaAgent:StorePath is '{options.StorePath}'; it must be {problem}");
        if (options.StreamIdleTimeout <= TimeSpan.Zero)
            failures.Add($"MediaAgent:StreamIdleTimeout is {options.StreamIdleTimeout}; it must be positive (e.g. 00:10:00)");
        if (options.ReadAheadChunks is < 1 or > 64)
            failures.Add($"MediaAgent:ReadAheadChunks is {options.ReadAheadChunks}; it must be between 1 and 64");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string? StoreProblem(string path)
    {
        if (!Directory.Exists(path))
            return "an existing folder (back up first: restorectl backup --store FOLDER makes it)";
        try
        {
            _ = Directory.EnumerateFileSystemEntries(path).FirstOrDefault();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"a folder this agent can read ({e.Message})";
        }
    }
}
