namespace RestoreAgents.Cli;

/// <summary>An agent's address as given on the command line: http(s)://host:port, or host:port meaning http.</summary>
public static class AgentAddress
{
    public static bool TryParse(string? text, out Uri address, out string problem)
    {
        address = null!;
        var trimmed = (text ?? "").Trim();
        var withScheme = trimmed.Contains("://", StringComparison.Ordinal) ? trimmed : "http://" + trimmed;
        if (trimmed.Length == 0 || !Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            problem = $"'{text}' is not an agent address (expected http://HOST:PORT or https://HOST:PORT)";
            return false;
        }
        address = uri;
        problem = "";
        return true;
    }
}
