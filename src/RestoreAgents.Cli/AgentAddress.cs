namespace RestoreAgents.Cli;

/// <summary>An agent's address as given on the command line: https://host:port, or host:port meaning https;
/// http:// (plaintext) only when written out, for agents in development mode.</summary>
public static class AgentAddress
{
    public static bool TryParse(string? text, out Uri address, out string problem)
    {
        address = null!;
        var trimmed = (text ?? "").Trim();
        var withScheme = trimmed.Contains("://", StringComparison.Ordinal) ? trimmed : "https://" + trimmed;
        if (trimmed.Length == 0 || !Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            problem = $"'{text}' is not an agent address (expected https://HOST:PORT)";
            return false;
        }
        address = uri;
        problem = "";
        return true;
    }
}
