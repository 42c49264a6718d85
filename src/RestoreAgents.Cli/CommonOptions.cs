using System.CommandLine;
using System.CommandLine.Parsing;
using RestoreAgents.Caching;
using RestoreAgents.Cli.Agents;

namespace RestoreAgents.Cli;

/// <summary>The options several commands share: agent addresses (with environment defaults) and sizes.</summary>
public static class CommonOptions
{
    public const string DefaultDataAgent = "https://127.0.0.1:5020";
    public const string DefaultMediaAgent = "https://127.0.0.1:5010";
    public const string DataAgentVariable = "RESTOREAGENTS_DATA_AGENT";
    public const string MediaAgentVariable = "RESTOREAGENTS_MEDIA_AGENT";

    public static Option<Uri> DataAgent(CliEnvironment environment) =>
        Address("--data-agent", AgentClientFactory.DataAgentRole, DataAgentVariable, DefaultDataAgent, environment);

    public static Option<Uri> MediaAgent(CliEnvironment environment) =>
        Address("--media-agent", AgentClientFactory.MediaAgentRole, MediaAgentVariable, DefaultMediaAgent, environment);

    /// <summary>
    /// A size in bytes that accepts units (4MiB, 256MiB, 1GiB); zero is refused, and so is any size for which
    /// <paramref name="check"/> (given the size and the text as typed) returns a reason.
    /// </summary>
    public static Option<long?> Size(string name, string description, Func<long, string, string?>? check = null) => new(name)
    {
        Description = description + " Units: 512, 64KiB, 4MiB, 1GiB.",
        HelpName = "BYTES",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (!ByteSize.TryParse(text, out var bytes, out var problem))
            {
                result.AddError($"{name}: {problem}");
                return null;
            }
            var reason = bytes <= 0 ? "the size must be greater than zero" : check?.Invoke(bytes, text.Trim());
            if (reason is not null)
            {
                result.AddError($"{name}: {reason}");
                return null;
            }
            return bytes;
        },
    };

    /// <summary>--page-size of restore and mount, checked by Azure's rule so a typo costs no round trip.</summary>
    /// <param name="defaultNote">What applies without the option, e.g. "default 4MiB".</param>
    public static Option<long?> PageSize(string defaultNote) =>
        Size("--page-size", $"Cloud page size: a multiple of 512 up to 4MiB ({defaultNote}).", PageSizeProblem);

    private static string? PageSizeProblem(long size, string typed)
    {
        if (PageBlobRules.IsValidPageSize(size)) return null;
        // 4MB is 4,000,000 bytes, not a multiple of 512: say so rather than leave the reader puzzled.
        var hint = new[] { "kb", "mb", "gb", "tb" }.Any(u => typed.EndsWith(u, StringComparison.OrdinalIgnoreCase))
            ? "; KB and MB are decimal units, write KiB or MiB"
            : "";
        return $"page size {size} is not {PageBlobRules.PageSizeRule}{hint}";
    }

    /// <summary>A job id argument; a token that starts with '-' is a mistyped option, not a job.</summary>
    public static Argument<string?> JobId(string description, bool required = true)
    {
        var argument = new Argument<string?>("JOB")
        {
            Description = description,
            Arity = required ? ArgumentArity.ExactlyOne : ArgumentArity.ZeroOrOne,
        };
        argument.Validators.Add(result =>
        {
            if (result.Tokens.FirstOrDefault(t => t.Value.StartsWith('-')) is { } token)
                result.AddError($"unknown option '{token.Value}'");
        });
        return argument;
    }

    private static Option<Uri> Address(string name, string role, string variable, string fallback,
        CliEnvironment environment) => new(name)
    {
        Description = $"Address of the {role} (environment: {variable}).",
        HelpName = "URL",
        CustomParser = result => Parse(result, name, result.Tokens.Count > 0 ? result.Tokens[^1].Value : ""),
        DefaultValueFactory = result =>
        {
            var configured = environment.Variables(variable);
            return string.IsNullOrWhiteSpace(configured)
                ? new Uri(fallback)
                : Parse(result, $"{name} (from {variable})", configured)!;
        },
    };

    private static Uri? Parse(ArgumentResult result, string what, string text)
    {
        if (AgentAddress.TryParse(text, out var address, out var problem))
            return address;
        result.AddError($"{what}: {problem}");
        return null;
    }
}
