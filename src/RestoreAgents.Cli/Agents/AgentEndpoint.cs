using System.Net.Http;
using System.Net.Sockets;
using Grpc.Core;
using RestoreAgents.Connections;
using RestoreAgents.Security;

namespace RestoreAgents.Cli.Agents;

/// <summary>One agent restorectl talks to: what it is ("data agent") and where. Turns gRPC failures into our errors.</summary>
public sealed record AgentEndpoint(string Role, Uri Address)
{
    /// <summary>The address as an operator wrote it, without the trailing slash <see cref="Uri"/> adds.</summary>
    public string Display => Address.AbsolutePath == "/" ? Address.GetLeftPart(UriPartial.Authority) : Address.ToString();

    /// <summary>An <see cref="AgentUnreachableException"/> when the call never got an answer, else an <see cref="AgentRequestException"/>.</summary>
    public Exception Translate(RpcException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        // A refused agent certificate means this agent could not be reached safely: exit code 3, saying why.
        if (PeerCertificateRejectedException.FindIn(failure.Status.DebugException) is { } refused)
            return new AgentUnreachableException(this, refused.Message, failure);
        return failure.StatusCode switch
        {
            // A status the agent sent itself carries no client-side exception: the agent was reached, and the
            // detail says what it could not reach in turn (its media agent, the cloud).
            StatusCode.Unavailable when failure.Status.DebugException is null && !string.IsNullOrWhiteSpace(failure.Status.Detail) =>
                new AgentRequestException(this, failure.StatusCode, failure.Status.Detail, failure),
            StatusCode.Unavailable => new AgentUnreachableException(this, ReachProblem(failure), failure),
            // No HTTP response came back either: the client reports that as Internal when no IOException is inside.
            StatusCode.Internal when failure.Status.DebugException is HttpRequestException =>
                new AgentUnreachableException(this, ReachProblem(failure), failure),
            StatusCode.PermissionDenied => new AgentRequestException(this, failure.StatusCode,
                $"the {Role} refused this call: the identity of your certificate (--cert) has no role that may make "
                + $"it (Access:Roles on the {Role}, which logged the denial)", failure),
            StatusCode.Unimplemented => new AgentRequestException(this, failure.StatusCode,
                $"the service there does not answer {Role} calls (is it a {Role}?): {Detail(failure)}", failure),
            _ => new AgentRequestException(this, failure.StatusCode, Detail(failure), failure),
        };
    }

    private static string Detail(RpcException failure) =>
        string.IsNullOrWhiteSpace(failure.Status.Detail) ? $"status {failure.StatusCode}" : failure.Status.Detail;

    /// <summary>A failed TLS handshake, named before the socket errors under it.</summary>
    private static string? HttpRequestProblem(Exception? failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is SocketException) return null;
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError })
                return "the TLS handshake failed (is the agent's address https://, and does it trust the CA of "
                    + "your certificate?)";
        }
        return null;
    }

    /// <summary>Why the connection failed, in the words of ping and curl rather than of the HTTP stack.</summary>
    private string ReachProblem(RpcException failure)
    {
        if (HttpRequestProblem(failure.Status.DebugException) is { } tls) return tls;
        if (NetworkProblem.Of(failure.Status.DebugException) is { } network) return network;
        // TLS 1.3 tells a client its certificate was refused only by closing the connection after the handshake,
        // before HTTP/2 starts; the HTTP stack reports that as an invalid response or a stream disposed under it.
        if (Address.Scheme == Uri.UriSchemeHttps && failure.Status.DebugException is HttpRequestException)
            return "the TLS handshake failed: the agent closed the connection (does it trust the CA of your "
                + "certificate, and is the certificate still valid?)";
        var detail = failure.Status.Detail;
        return string.IsNullOrWhiteSpace(detail) ? "the agent is unavailable" : detail;
    }
}
