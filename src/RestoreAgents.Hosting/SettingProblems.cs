using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace RestoreAgents.Hosting;

/// <summary>
/// The settings a start-up failure blames, one line each: the agents' own validation messages as they are, and
/// the configuration binder's "Failed to convert configuration value" turned into the setting, its value and the
/// kind of value it takes. Empty for a failure that is not about a setting.
/// </summary>
internal static partial class SettingProblems
{
    public static IReadOnlyList<string> Of(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is OptionsValidationException invalid)
                return invalid.Failures.Select(OneLine).ToList();
            if (e is InvalidOperationException && ConversionFailure().Match(e.Message) is { Success: true } match)
                return [$"{match.Groups["path"].Value} is '{match.Groups["value"].Value}'; it must be "
                    + Rule(match.Groups["type"].Value)];
        }
        return [];
    }

    /// <summary>What a value of <paramref name="typeName"/> looks like, in the words of an operator.</summary>
    internal static string Rule(string typeName)
    {
        var type = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null);
        if (type is { IsEnum: true })
            return "one of " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()));
        return typeName switch
        {
            "System.Int32" or "System.Int64" => "a whole number (bytes are given as a number, e.g. 268435456)",
            "System.Boolean" => "true or false",
            "System.TimeSpan" => "a duration as [d.]hh:mm:ss, e.g. 00:00:30",
            "System.Uri" => "a URL such as https://host:port",
            _ => $"a value of type {typeName}",
        };
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim()));

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<path>[^']*)' to type '(?<type>[^']*)'",
        RegexOptions.Singleline)]
    private static partial Regex ConversionFailure();
}
