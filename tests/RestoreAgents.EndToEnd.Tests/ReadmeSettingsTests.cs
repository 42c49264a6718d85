using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using RestoreAgents.DataAgent;
using RestoreAgents.MediaAgent;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// The README's settings table says what the code does: every setting of the agents' options classes has a row, every
/// row names a real setting, and each default is the one an agent starts with (its appsettings.json, else the class).
/// And the README runs: scripts/readme-runner skips few of its blocks, each for a reason.
/// </summary>
public sealed partial class ReadmeSettingsTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));

    public static TheoryData<string> Sections => new() { DataAgentOptions.Section, MediaAgentOptions.Section };

    [Theory]
    [MemberData(nameof(Sections))]
    public void SettingsTable_HasARowForEverySetting(string section)
    {
        var rows = Rows().Select(r => r.Setting).ToList();

        var missing = Properties(OptionsType(section))
            .Where(p => !rows.Any(r => r == $"{section}:{p.Name}" || r.StartsWith($"{section}:{p.Name}:", StringComparison.Ordinal)))
            .Select(p => $"{section}:{p.Name}").ToList();

        Assert.True(missing.Count == 0, "README.md's settings table lacks " + string.Join(", ", missing));
    }

    [Fact]
    public void SettingsTable_NamesRealSettings_WithTheDefaultsTheAgentsStartWith()
    {
        var wrong = new List<string>();
        foreach (var (setting, defaultCell) in Rows())
        {
            var path = setting.Split(':');
            object? value = Defaults(path[0]);
            var type = OptionsType(path[0]);
            foreach (var segment in path[1..])
            {
                if (segment is "NAME" or "*" && typeof(IDictionary).IsAssignableFrom(type))
                {
                    (type, value) = (type.GetGenericArguments()[1], null);
                    continue;
                }
                if (segment is "" or "*") break;
                var property = type.GetProperty(segment);
                if (property is null)
                {
                    wrong.Add($"{setting}: {type.Name} has no {segment}");
                    type = typeof(object);
                    break;
                }
                (type, value) = (property.PropertyType, value is null ? null : property.GetValue(value));
            }
            if (value is not null && !typeof(IDictionary).IsAssignableFrom(type) && Shown(value) != FirstWord(defaultCell))
                wrong.Add($"{setting}: the README says {defaultCell.Trim()}, the agent starts with {Shown(value)}");
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void ReadmeRunner_SkipsFewBlocks_EachForAReason()
    {
        var skips = SkipMarker().Matches(Readme).Select(m => m.Groups["reason"].Value.Trim()).ToList();
        var blocks = Regex.Matches(Readme, "^```sh$", RegexOptions.Multiline).Count;

        Assert.All(skips, reason => Assert.True(reason.Length >= 10, $"skip without a reason: '{reason}'"));
        Assert.True(skips.Count <= 5, $"{skips.Count} of {blocks} shell blocks are skipped: " + string.Join("; ", skips));
        Assert.True(blocks - skips.Count >= 3, $"only {blocks - skips.Count} of {blocks} shell blocks run");
        Assert.Equal(skips.Count, Regex.Matches(Readme, "-->\\n```sh\\n").Count);
    }

    private static Type OptionsType(string section) =>
        section == DataAgentOptions.Section ? typeof(DataAgentOptions) : typeof(MediaAgentOptions);

    /// <summary>The options an agent starts with when nothing but the appsettings.json beside it sets them.</summary>
    private static object Defaults(string section)
    {
        var project = section == DataAgentOptions.Section ? "RestoreAgents.DataAgent" : "RestoreAgents.MediaAgent";
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepoPaths.Root, "src", project, "appsettings.json")).Build();
        var options = Activator.CreateInstance(OptionsType(section))!;
        configuration.GetSection(section).Bind(options);
        return options;
    }

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true });

    private static string Shown(object value) => value switch
    {
        Enum e => e.ToString().ToLowerInvariant(),
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string FirstWord(string cell) => cell.Trim().Split(' ')[0].Trim('`');

    private static IEnumerable<(string Setting, string Default)> Rows() =>
        SettingRow().Matches(Readme).Select(m => (m.Groups["setting"].Value, m.Groups["default"].Value));

    [GeneratedRegex(@"^\| `(?<setting>(?:DataAgent|MediaAgent):[^`]+)` \| (?<default>[^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex SettingRow();

    [GeneratedRegex(@"^<!-- readme-runner: skip (?<reason>.*?) -->$", RegexOptions.Multiline)]
    private static partial Regex SkipMarker();
}
