using Grpc.Health.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.Install.Tests;

/// <summary>The standard gRPC health service of an agent, asked over mutual TLS: SERVING, or NOT_SERVING with its reason logged.</summary>
public static class AgentHealth
{
    public static async Task<HealthCheckResponse.Types.ServingStatus> CheckAsync(Uri url, TestPki pki)
    {
        using var channel = pki.Channel(url, TestPki.Viewer);
        var response = await new Health.HealthClient(channel)
            .CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
        return response.Status;
    }
}
