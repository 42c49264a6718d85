using RestoreAgents.Testing;

namespace RestoreAgents.Install.Tests;

/// <summary>What ls -l tells of a path: its kind, octal mode, owner and group.</summary>
public sealed record PathFacts(string Path, string Kind, string Mode, string Owner, string Group)
{
    /// <summary>The facts, or null when nothing is at <paramref name="path"/>.</summary>
    public static async Task<PathFacts?> OfAsync(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) return null;
        var result = await ProcessRunner.RunCheckedAsync("stat", "-c", "%F|%a|%U|%G", path);
        var fields = result.Trim().Split('|');
        var kind = fields[0] switch
        {
            "directory" => "folder",
            "regular file" or "regular empty file" => "file",
            var other => other,
        };
        return new PathFacts(path, kind, fields[1].PadLeft(4, '0'), fields[2], fields[3]);
    }

    public override string ToString() => $"{Path}: {Kind} {Mode} {Owner}:{Group}";
}
