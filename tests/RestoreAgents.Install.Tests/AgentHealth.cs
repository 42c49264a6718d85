using Grpc.Health.V1;
using Grpc.Net.Client;

namespace RestoreAgents.Install.Tests;

/// <summary>The standard gRPC health service of an agent: SERVING, or NOT_SERVING with its reason logged.</summary>
public static class AgentHealth
{
    public static async Task<HealthCheckResponse.Types.ServingStatus> CheckAsync(Uri url)
    {
        using var channel = GrpcChannel.ForAddress(url);
        var response = await new Health.HealthClient(channel)
            .CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
        return response.Status;
    }
}
