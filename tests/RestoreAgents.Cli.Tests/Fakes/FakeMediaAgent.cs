using Grpc.Core;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Tests.Fakes;

/// <summary>A media agent that lists canned copies.</summary>
public sealed class FakeMediaAgent : MediaAgent.MediaAgentBase
{
    public List<CopyDescription> Copies { get; } = [];

    public override Task<ListCopiesResponse> ListCopies(ListCopiesRequest request, ServerCallContext context)
    {
        var response = new ListCopiesResponse();
        response.Copies.AddRange(Copies);
        return Task.FromResult(response);
    }
}
