using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RestoreAgents.Hosting.Security;

/// <summary>
/// Writes the audit line of each call an agent audits, once it has ended: allowed (with what it did) or failed
/// (with the status). Added before the status-mapping interceptor, so it sees the status the caller gets. Denials
/// never reach it: the authorization middleware refuses them first (<see cref="AuditingAuthorizationResultHandler"/>).
/// </summary>
public abstract class AuditInterceptor(AuditLog audit) : Interceptor
{
    /// <summary>What the call did, for its audit line ("job=r-1 copy=vm01"), or null when it is not audited.</summary>
    /// <param name="response">The answer, or null when the call failed.</param>
    protected abstract string? Describe(string method, object request, object? response);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request,
        ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (Describe(context.Method, request, null) is null) return await continuation(request, context);
        try
        {
            var response = await continuation(request, context);
            Write(context, AuditOutcome.Allowed, Describe(context.Method, request, response)!);
            return response;
        }
        catch (Exception e)
        {
            Write(context, AuditOutcome.Failed, $"{Describe(context.Method, request, null)} {Status(e)}");
            throw;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var what = Describe(context.Method, request, null);
        if (what is null)
        {
            await continuation(request, responseStream, context);
            return;
        }
        try
        {
            await continuation(request, responseStream, context);
            Write(context, AuditOutcome.Allowed, what);
        }
        catch (Exception e)
        {
            Write(context, AuditOutcome.Failed, $"{what} {Status(e)}");
            throw;
        }
    }

    private void Write(ServerCallContext context, AuditOutcome outcome, string what) =>
        audit.Write(context.GetHttpContext().User, context.Method, outcome, what);

    private static string Status(Exception e) => e is RpcException rpc
        ? $"status={rpc.StatusCode}: {rpc.Status.Detail}"
        : e is OperationCanceledException ? "status=Cancelled" : $"status=Internal: {e.GetType().Name}";
}
