using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace RestoreAgents.Hosting;

/// <summary>
/// Turns the exceptions an agent expects (a missing copy, a refused request) into gRPC statuses in one place, so
/// services stay translations. Anything not mapped goes on as an internal error, logged by gRPC itself.
/// </summary>
public abstract class StatusMappingInterceptor(ILogger logger) : Interceptor
{
    /// <summary>The status for an expected exception, or null to let it through unmapped.</summary>
    protected abstract Status? ToStatus(Exception exception);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request,
        ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (ToStatus(e) is { } status)
        {
            throw Refuse(context, e, status);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (ToStatus(e) is { } status)
        {
            throw Refuse(context, e, status);
        }
    }

    private RpcException Refuse(ServerCallContext context, Exception e, Status status)
    {
        // The detail often quotes the request (a copy name, a job id): escaped, it stays one log line.
        logger.LogWarning("{Method} failed with {Code}: {Detail}", context.Method, status.StatusCode,
            LogSafe.Text(status.Detail));
        return new RpcException(status);
    }
}
