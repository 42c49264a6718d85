namespace RestoreAgents.Install.Tests;

/// <summary>
/// A file that systemd's EnvironmentFile= reads: KEY=VALUE lines, "#" or ";" comments, values optionally quoted.
/// <see cref="Set"/> edits one setting in place as an operator would, keeping the rest of the file; <see cref="Add"/>
/// adds one the file does not set yet (a documented example stays a comment).
/// </summary>
public static class EnvironmentFile
{
    public static IReadOnlyList<KeyValuePair<string, string>> Read(string path)
    {
        var settings = new List<KeyValuePair<string, string>>();
        foreach (var (line, number) in File.ReadAllLines(path).Select((line, i) => (line.Trim(), i + 1)))
        {
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            var equals = line.IndexOf('=');
            if (equals <= 0) throw new FormatException($"{path}:{number}: '{line}' is no KEY=VALUE line");
            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0]) value = value[1..^1];
            settings.Add(new(line[..equals].Trim(), value));
        }
        return settings;
    }

    /// <summary>Replaces the line that sets <paramref name="key"/>; the file must set it once already.</summary>
    public static void Set(string path, string key, string value)
    {
        var lines = File.ReadAllLines(path);
        var matches = lines.Select((line, i) => (line, i))
            .Where(entry => entry.line.TrimStart().StartsWith(key + "=", StringComparison.Ordinal)).ToList();
        if (matches.Count != 1)
            throw new InvalidOperationException($"{path} sets {key} {matches.Count} times; the documented file sets it once");
        lines[matches[0].i] = $"{key}={value}";
        File.WriteAllLines(path, lines);
    }

    /// <summary>Appends a line setting <paramref name="key"/>, which the file must not set yet.</summary>
    public static void Add(string path, string key, string value)
    {
        if (Read(path).Any(setting => setting.Key == key))
            throw new InvalidOperationException($"{path} sets {key} already; use Set");
        File.AppendAllLines(path, [$"{key}={value}"]);
    }
}
