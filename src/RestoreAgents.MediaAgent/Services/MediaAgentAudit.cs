using RestoreAgents.Hosting.Security;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.MediaAgent.Services;

/// <summary>The media agent audits every stream of a copy's data: who read which copy.</summary>
public sealed class MediaAgentAudit(AuditLog audit) : AuditInterceptor(audit)
{
    protected override string? Describe(string method, object request, object? response) => request switch
    {
        StreamBlocksRequest stream => $"copy={stream.CopyName} ranges={(stream.Ranges.Count == 0 ? "all" : stream.Ranges.Count)}",
        _ => null,
    };
}
