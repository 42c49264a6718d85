using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace RestoreAgents.Hosting.Security;

/// <summary>The addresses Kestrel will listen on, as the standard Urls / ASPNETCORE_URLS / --urls settings give them.</summary>
internal static class ListenAddresses
{
    public static IReadOnlyList<string> From(IConfiguration configuration)
    {
        var urls = (configuration[WebHostDefaults.ServerUrlsKey] ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        urls.AddRange(Ports(configuration[WebHostDefaults.HttpPortsKey], "http"));
        urls.AddRange(Ports(configuration[WebHostDefaults.HttpsPortsKey], "https"));
        return urls;
    }

    public static bool IsPlaintext(string url) => url.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    public static bool IsTls(string url) => url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> Ports(string? ports, string scheme) =>
        (ports ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(port => $"{scheme}://*:{port}");
}
