using System.Text.RegularExpressions;

namespace RestoreAgents.DataAgent.Destinations;

/// <summary>
/// One entry of AllowedSasHosts: a host name or address, with its port when it is not the scheme's default, where
/// '*' stands for any run of host-name characters. Matched whole (anchored) and without regard to case.
/// </summary>
internal sealed partial class SasHostPattern
{
    private readonly Regex _regex;

    private SasHostPattern(string text, Regex regex)
    {
        Text = text;
        _regex = regex;
    }

    public string Text { get; }

    /// <param name="host">A host as <see cref="Cloud.SasUrlCredentials.Host"/> gives it: host, or host:port.</param>
    public bool Matches(string host) => _regex.IsMatch(host);

    /// <exception cref="ArgumentException">The pattern could match hosts its writer did not mean.</exception>
    public static SasHostPattern Parse(string text)
    {
        var pattern = (text ?? "").Trim().ToLowerInvariant();
        if (!Shape().IsMatch(pattern))
            throw new ArgumentException($"'{text}' is not a host name, address or host:port (letters, digits, "
                + "'.', '-' and '*', then an optional :port)");
        var host = pattern.Split(':')[0];
        var star = host.LastIndexOf('*');
        // The part after the last '*' must be a domain of its own: "*" or "*.net" would let a SAS reach anywhere.
        if (star >= 0 && host[(star + 1)..].Count(c => c == '.') < 2)
            throw new ArgumentException($"'{text}': a '*' must come before a domain of at least two labels, "
                + "e.g. md-*.blob.storage.azure.net");
        var regex = @"\A" + Regex.Escape(pattern).Replace(@"\*", "[a-z0-9.-]+", StringComparison.Ordinal) + @"\z";
        return new SasHostPattern(text!.Trim(), new Regex(regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant));
    }

    public override string ToString() => Text;

    [GeneratedRegex(@"\A[a-z0-9*](?:[a-z0-9.*-]*[a-z0-9])?(?::[0-9]{1,5})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
