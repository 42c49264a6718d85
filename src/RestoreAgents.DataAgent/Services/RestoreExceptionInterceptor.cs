using Grpc.Core;
using Grpc.Core.Interceptors;
using RestoreAgents.DataAgent.Jobs;

namespace RestoreAgents.DataAgent.Services;

/// <summary>Maps refusals to gRPC status codes in one place, so services stay translations.</summary>
internal sealed class RestoreExceptionInterceptor(ILogger<RestoreExceptionInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request,
        ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (RestoreRejectedException e)
        {
            throw Reject(context, e);
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
        catch (RestoreRejectedException e)
        {
            throw Reject(context, e);
        }
    }

    private RpcException Reject(ServerCallContext context, RestoreRejectedException e)
    {
        logger.LogWarning("{Method} refused: {Reason}", context.Method, e.Message);
        return new RpcException(new Status(e.Status, e.Message));
    }
}
