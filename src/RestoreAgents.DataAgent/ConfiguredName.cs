using System.Text.RegularExpressions;

namespace RestoreAgents.DataAgent;

/// <summary>The names the configuration gives media agents and destinations, and requests use to pick one.</summary>
internal static partial class ConfiguredName
{
    /// <summary>Null when <paramref name="name"/> can name a media agent or destination, else why not.</summary>
    public static string? Problem(string? name) =>
        name is not null && Shape().IsMatch(name)
            ? null
            : $"'{Cloud.StorageNames.Printable(name)}' is not a name: 1 to 63 letters, digits, '.', '_' and '-', "
                + "starting with a letter or digit";

    /// <summary>A request's name as an error may quote it: one line, and not longer than a name can be.</summary>
    public static string Shown(string? name)
    {
        var printable = Cloud.StorageNames.Printable(name);
        return printable.Length > 63 ? printable[..63] + "..." : printable;
    }

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
