using Grpc.Core;
using Microsoft.Extensions.Options;
using RestoreAgents.DataAgent.Jobs;

namespace RestoreAgents.DataAgent.MediaAgents;

/// <summary>
/// The media agents of DataAgent:MediaAgents by name (settings checked at start by
/// <see cref="DataAgentOptionsValidator"/>): the only addresses a request can make the data agent dial.
/// </summary>
internal sealed class MediaAgentDirectory
{
    private readonly Dictionary<string, ConfiguredMediaAgent> _agents = new(StringComparer.OrdinalIgnoreCase);

    public MediaAgentDirectory(IOptions<DataAgentOptions> options)
        : this(options.Value)
    {
    }

    public MediaAgentDirectory(DataAgentOptions options)
    {
        foreach (var (name, settings) in options.MediaAgents)
            _agents[name] = new ConfiguredMediaAgent(name, Parse(name, settings));
    }

    public IReadOnlyCollection<ConfiguredMediaAgent> All => _agents.Values;

    /// <exception cref="RestoreRejectedException">InvalidArgument: no media agent of that name.</exception>
    public ConfiguredMediaAgent Get(string? name) =>
        !string.IsNullOrEmpty(name) && _agents.TryGetValue(name, out var agent)
            ? agent
            : throw new RestoreRejectedException(StatusCode.InvalidArgument, string.IsNullOrEmpty(name)
                ? "the request names no media agent; the data agent reads only from media agents its "
                    + "configuration names"
                : $"no media agent named '{ConfiguredName.Shown(name)}' is configured on this data agent");

    /// <summary>Null when the settings of media agent <paramref name="name"/> can work, else why not (naming the setting).</summary>
    /// <param name="allowPlaintext">Tls:AllowPlaintext: an http:// address is allowed only then.</param>
    public static string? Problem(string name, MediaAgentEndpointOptions settings, bool allowPlaintext)
    {
        try
        {
            var url = Parse(name, settings);
            if (url.Scheme == Uri.UriSchemeHttp && !allowPlaintext)
                return $"{DataAgentOptions.Section}:MediaAgents:{name}:Url '{settings.Url}' is plaintext: this data "
                    + "agent dials media agents over https:// only (Tls:AllowPlaintext is off)";
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    private static Uri Parse(string name, MediaAgentEndpointOptions settings)
    {
        var setting = $"{DataAgentOptions.Section}:MediaAgents:{name}";
        if (ConfiguredName.Problem(name) is { } problem)
            throw new ArgumentException($"{setting}: {problem}");
        if (!Uri.TryCreate(settings.Url?.Trim(), UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || url.Host.Length == 0
            || url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0)
            throw new ArgumentException($"{setting}:Url '{settings.Url}' is not an agent address "
                + "(https://HOST:PORT)");
        return url;
    }
}
