using RestoreAgents.Hosting.Security;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.Services;

/// <summary>
/// The data agent audits the calls that change something: starts (the copy, where it goes, the job), cancels,
/// resumes and discards.
/// Never the destination's credentials.
/// </summary>
internal sealed class DataAgentAudit(AuditLog audit) : AuditInterceptor(audit)
{
    protected override string? Describe(string method, object request, object? response) => request switch
    {
        StartRestoreRequest start => $"copy={start.CopyName} media-agent={start.MediaAgent} "
            + $"destination={start.Target?.Destination} blob={start.Target?.Container}/{start.Target?.BlobName}"
            + (response is StartRestoreResponse started ? $" job={started.JobId}" : ""),
        CancelRestoreRequest cancel => $"job={cancel.JobId}",
        ResumeRestoreRequest resume => $"job={resume.JobId}" + (resume.SasUrl.Length > 0 ? " with a SAS URL" : ""),
        DiscardRestoreRequest discard => $"job={discard.JobId}",
        _ => null,
    };
}
