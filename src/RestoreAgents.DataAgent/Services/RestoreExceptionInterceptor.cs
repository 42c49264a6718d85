using Grpc.Core;
using RestoreAgents.DataAgent.Jobs;
using RestoreAgents.Hosting;

namespace RestoreAgents.DataAgent.Services;

/// <summary>A refused restore request as the gRPC status it names (NotFound, InvalidArgument, Unavailable, ...).</summary>
internal sealed class RestoreExceptionInterceptor(ILogger<RestoreExceptionInterceptor> logger)
    : StatusMappingInterceptor(logger)
{
    protected override Status? ToStatus(Exception exception) =>
        exception is RestoreRejectedException rejected ? new Status(rejected.Status, rejected.Message) : null;
}
