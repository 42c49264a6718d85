using Grpc.Core;
using RestoreAgents.Hosting;
using RestoreAgents.Store;

namespace RestoreAgents.MediaAgent.Services;

/// <summary>
/// The store's exceptions as gRPC statuses: a corrupt chunk is DataLoss naming the copy and offset, a damaged
/// manifest DataLoss naming the copy and field, a bad name or range InvalidArgument.
/// </summary>
public sealed class StoreExceptionInterceptor(ILogger<StoreExceptionInterceptor> logger)
    : StatusMappingInterceptor(logger)
{
    protected override Status? ToStatus(Exception exception) => exception switch
    {
        CopyNotFoundException => new Status(StatusCode.NotFound, exception.Message),
        CorruptChunkException or DamagedManifestException => new Status(StatusCode.DataLoss, exception.Message),
        ArgumentException => new Status(StatusCode.InvalidArgument, exception.Message),
        _ => null,
    };
}
