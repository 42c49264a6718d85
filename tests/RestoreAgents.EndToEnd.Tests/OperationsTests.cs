using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>What operators' tools see: both agents list their services by reflection (as grpcurl does) and serve health.</summary>
[Requires(RealPart.Azurite)]
[Collection(AgentsCollection.Name)]
public sealed class OperationsTests(AgentsFixture agents)
{
    [Theory]
    [InlineData("media", "restoreagents.v1.MediaAgent")]
    [InlineData("data", "restoreagents.v1.DataAgent")]
    public async Task Agent_ListsItsServicesByReflectionAndServesHealth(string agent, string service)
    {
        using var channel = agent == "media" ? agents.MediaAgentChannel() : agents.DataAgentChannel();

        using var reflection = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await reflection.RequestStream.CompleteAsync();
        Assert.True(await reflection.ResponseStream.MoveNext(CancellationToken.None));
        var services = reflection.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains(service, services);
        Assert.Contains("grpc.health.v1.Health", services);

        // The service description resolves too: grpcurl describes and calls through this.
        using var describe = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await describe.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = service });
        await describe.RequestStream.CompleteAsync();
        Assert.True(await describe.ResponseStream.MoveNext(CancellationToken.None));
        Assert.NotEmpty(describe.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto);

        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }
}
