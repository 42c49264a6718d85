using Grpc.Core;
using Grpc.Core.Interceptors;
using RestoreAgents.Store;

namespace RestoreAgents.MediaAgent.Services;

/// <summary>Maps the store's exceptions to gRPC status codes in one place, so services stay translations.</summary>
public sealed class StoreExceptionInterceptor(ILogger<StoreExceptionInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request,
        ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (ToStatus(e) is { } status)
        {
            throw Fail(context, e, status);
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
            throw Fail(context, e, status);
        }
    }

    private RpcException Fail(ServerCallContext context, Exception e, Status status)
    {
        logger.LogWarning(e, "{Method} failed: {Status}", context.Method, status.Detail);
        return new RpcException(status);
    }

    private static Status? ToStatus(Exception e) => e switch
    {
        CopyNotFoundException => new Status(StatusCode.NotFound, e.Message),
        CorruptChunkException => new Status(StatusCode.DataLoss, e.Message),
        ArgumentException => new Status(StatusCode.InvalidArgument, e.Message),
        _ => null,
    };
}
