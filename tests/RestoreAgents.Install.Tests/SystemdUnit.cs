namespace RestoreAgents.Install.Tests;

/// <summary>
/// A systemd unit file's [Service] section, read as systemd reads it: "#" and ";" start comments, a trailing
/// backslash continues a line, a setting given again adds to a list (Environment=) or replaces (User=), and an
/// empty assignment resets a list.
/// </summary>
public sealed class SystemdUnit
{
    private readonly List<(string Key, string Value)> _service;

    private SystemdUnit(string path, List<(string Key, string Value)> service)
    {
        Path = path;
        _service = service;
    }

    public string Path { get; }

    public string Name => System.IO.Path.GetFileName(Path);

    public static SystemdUnit Load(string path)
    {
        var service = new List<(string, string)>();
        string? section = null;
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            while (line.EndsWith('\\') && i + 1 < lines.Length) line = line[..^1].TrimEnd() + " " + lines[++i].Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line[0] == '[')
            {
                section = line.Trim('[', ']');
                continue;
            }
            var equals = line.IndexOf('=');
            if (equals <= 0) throw new FormatException($"{path}:{i + 1}: '{line}' is no KEY=VALUE setting");
            if (section == "Service") service.Add((line[..equals].Trim(), line[(equals + 1)..].Trim()));
        }
        return new SystemdUnit(path, service);
    }

    /// <summary>The value a single-valued setting ends with; null when the unit does not set it.</summary>
    public string? Last(string key) =>
        _service.LastOrDefault(setting => setting.Key == key) is { Key: not null } found ? found.Value : null;

    /// <summary>The values of a list setting in order, from its last empty assignment on.</summary>
    public IReadOnlyList<string> All(string key)
    {
        var values = new List<string>();
        foreach (var (k, value) in _service)
        {
            if (k != key) continue;
            if (value.Length == 0) values.Clear();
            else values.Add(value);
        }
        return values;
    }

    /// <summary>True when the unit sets <paramref name="key"/> to anything but no, false, 0, off or nothing.</summary>
    public bool Enables(string key) =>
        Last(key) is { } value && value is not ("" or "no" or "false" or "0" or "off");
}
