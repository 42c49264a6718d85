using Grpc.Core;
using Microsoft.Extensions.Options;
using RestoreAgents.DataAgent.Jobs;

namespace RestoreAgents.DataAgent.Destinations;

/// <summary>
/// The destinations of DataAgent:Destinations, each made once at start (settings already checked by
/// <see cref="DataAgentOptionsValidator"/>) and kept for the agent's life; a plaintext one is announced then.
/// </summary>
internal sealed class StorageDestinations
{
    private readonly Dictionary<string, StorageDestination> _destinations;

    public StorageDestinations(IOptions<DataAgentOptions> options, ILogger<StorageDestinations> logger)
        : this(options.Value, Environment.GetEnvironmentVariable, logger)
    {
    }

    public StorageDestinations(DataAgentOptions options, Func<string, string?> environment, ILogger logger)
    {
        _destinations = new(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, settings) in options.Destinations)
        {
            var destination = StorageDestinationFactory.Create(name, settings, options.Cloud, environment);
            _destinations[name] = destination;
            if (destination.AllowPlaintext)
                logger.LogWarning("WARNING: {Destination} allows plaintext http (AllowPlaintext=true): its key, "
                    + "tokens and SAS URLs can be read on the network; for development only", destination);
            else
                logger.LogInformation("Destination {Destination} is configured", destination);
        }
    }

    public IReadOnlyCollection<StorageDestination> All => _destinations.Values;

    /// <exception cref="RestoreRejectedException">InvalidArgument: no destination of that name.</exception>
    public StorageDestination Get(string? name) =>
        !string.IsNullOrEmpty(name) && _destinations.TryGetValue(name, out var destination)
            ? destination
            : throw new RestoreRejectedException(StatusCode.InvalidArgument, string.IsNullOrEmpty(name)
                ? "the request names no destination (target.destination); the data agent restores only into "
                    + "destinations its configuration names"
                : $"no destination named '{ConfiguredName.Shown(name)}' is configured on this data agent");
}
