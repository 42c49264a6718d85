using System.Net.Sockets;
using Azure;
using Azure.Storage.Blobs.Models;

namespace RestoreAgents.Cloud;

/// <summary>
/// Turns what the Azure SDK throws into a <see cref="CloudDestinationException"/> whose message tells an operator
/// what failed, where, and what to check.
/// </summary>
internal sealed class CloudErrors(BlobLocation location, CloudOptions options)
{
    /// <summary>
    /// True for failures of the service or the network; false for the caller's own cancellation and for
    /// exceptions that already say what they are (arguments, local files when <paramref name="localFile"/>).
    /// </summary>
    public static bool IsCloudFailure(Exception e, CancellationToken cancellationToken, bool localFile = false) =>
        !cancellationToken.IsCancellationRequested && e switch
        {
            RequestFailedException or AggregateException or HttpRequestException or SocketException
                or TimeoutException or OperationCanceledException => true,
            IOException => !localFile,
            _ => false,
        };

    /// <summary>What a container SAS must grant for restores (the default <c>sasPermissions</c>).</summary>
    public const string RestoreSasPermissions = "read, create and write (rcw)";

    /// <param name="action">What was being done, to fit "Could not {action} page blob ...".</param>
    /// <param name="createdIfNoneMatch">The call was a create with If-None-Match: *, so 412 means "exists".</param>
    /// <param name="sasPermissions">The SAS permissions the call needs, named when a SAS lacks one.</param>
    public CloudDestinationException Translate(Exception e, string action, long? offset = null,
        bool createdIfNoneMatch = false, string sasPermissions = RestoreSasPermissions)
    {
        var last = LastAttempt(e);
        if (last is RequestFailedException { Status: > 0 } answer)
            return FromAnswer(answer, action, offset, createdIfNoneMatch, sasPermissions);

        if (Find<OperationCanceledException>(last) is not null || Find<TimeoutException>(last) is not null)
            return Create(CloudFailure.TimedOut, action, offset,
                $"the storage service did not answer within the network timeout of {options.NetworkTimeout}, "
                + $"still after {Retries()}", innerException: null);

        if (Find<EndOfStreamException>(last) is { } ended)
            return Create(CloudFailure.Other, action, offset,
                $"the service's answer ended early ({ended.Message})", ended);

        Exception? network = Find<HttpRequestException>(last)
            ?? (Exception?)Find<SocketException>(last) ?? Find<IOException>(last);
        if (network is not null)
            return Create(CloudFailure.Unreachable, action, offset,
                $"the account endpoint could not be reached ({network.Message}), still after {Retries()}; "
                + "check the endpoint address, DNS, proxy and firewall", network);

        // A service exception without a status still comes from the SDK: its text may hold the request; leave it out.
        return last is RequestFailedException
            ? Create(CloudFailure.Other, action, offset, "the storage service failed without an answer", null)
            : Create(CloudFailure.Other, action, offset, $"{last.GetType().Name}: {last.Message}", last);
    }

    /// <summary>A page the service kept refusing as throttling for the whole <see cref="CloudOptions.ThrottleDeadline"/>.</summary>
    public CloudDestinationException ThrottledTooLong(Exception last, string action, long offset, TimeSpan refusedFor,
        int refusals)
    {
        var answer = last as RequestFailedException;
        var said = answer is null ? "throttled" : answer.ErrorCode is null ? $"{answer.Status}" : $"{answer.Status} {answer.ErrorCode}";
        return new CloudDestinationException(Message(action,
                $"the storage service refused it as throttling ({said}) {refusals} times over {refusedFor.TotalSeconds:0.#} s, "
                + $"past its throttle deadline of {options.ThrottleDeadline}; try again later"),
            CloudFailure.ServiceBusy, location.AccountEndpoint, location.Container, location.BlobName, offset,
            answer?.Status ?? 0, answer?.ErrorCode, answer?.GetRawResponse()?.Headers.RequestId);
    }

    private CloudDestinationException FromAnswer(RequestFailedException answer, string action, long? offset,
        bool createdIfNoneMatch, string sasPermissions)
    {
        var status = answer.Status;
        var said = answer.ErrorCode is null ? $"{status}" : $"{status} {answer.ErrorCode}";
        // Lifted comparisons: a null code (no x-ms-error-code header) equals none of the SDK's codes.
        // (BlobErrorCode converts from string implicitly, null included, and throws on it: hence the explicit type.)
        BlobErrorCode? code = answer.ErrorCode is { } text ? new BlobErrorCode(text) : default(BlobErrorCode?);
        var (failure, cause) = status switch
        {
            401 or 403 when location.UsesSas && (code == BlobErrorCode.AuthorizationPermissionMismatch
                    || code == BlobErrorCode.AuthorizationResourceTypeMismatch) =>
                (CloudFailure.AccessDenied,
                    $"the SAS does not allow this ({said}); it needs {sasPermissions} permissions"),
            401 or 403 when location.UsesSas =>
                (CloudFailure.AccessDenied,
                    $"access was denied ({said}); {location.AccessDeniedHint}, and that it grants {sasPermissions} "
                    + "permissions"),
            401 or 403 =>
                (CloudFailure.AccessDenied,
                    $"access was denied ({said}); {location.AccessDeniedHint}"),
            404 when code == BlobErrorCode.ContainerNotFound && location.UsesSas =>
                (CloudFailure.ContainerNotFound,
                    $"the container does not exist ({said}); a SAS cannot create it, so create it first"),
            404 when code == BlobErrorCode.ContainerNotFound =>
                (CloudFailure.ContainerNotFound, $"the container does not exist ({said})"),
            404 when code == BlobErrorCode.BlobNotFound =>
                (CloudFailure.BlobNotFound, $"the blob does not exist ({said})"),
            404 =>
                (CloudFailure.Rejected, $"not found ({said}); check the account endpoint, container and blob names"),
            409 or 412 when createdIfNoneMatch && (status == 412 || code == BlobErrorCode.BlobAlreadyExists) =>
                (CloudFailure.BlobAlreadyExists,
                    $"the blob already exists ({said}); restore with overwrite to replace it"),
            409 when code == BlobErrorCode.BlobAlreadyExists =>
                (CloudFailure.BlobAlreadyExists, $"the blob already exists ({said})"),
            408 or 429 or >= 500 =>
                (CloudFailure.ServiceBusy,
                    $"the storage service is busy or failing ({said}), still after {Retries()}; try again later"),
            _ =>
                (CloudFailure.Rejected, $"the storage service refused the request ({said})"),
        };
        // The service's error text stays out: it can quote the request's signature.
        return new CloudDestinationException(Message(action, cause), failure, location.AccountEndpoint,
            location.Container, location.BlobName, offset, status, answer.ErrorCode,
            answer.GetRawResponse()?.Headers.RequestId);
    }

    private CloudDestinationException Create(CloudFailure failure, string action, long? offset, string cause,
        Exception? innerException) =>
        new(Message(action, cause), failure, location.AccountEndpoint, location.Container, location.BlobName, offset,
            innerException: innerException);

    private string Message(string action, string cause) => $"Could not {action} {location}: {cause}.";

    private string Retries() => options.MaxRetries == 1 ? "1 retry" : $"{options.MaxRetries} retries";

    /// <summary>The SDK's retry policy throws an AggregateException of every try; the last try tells most.</summary>
    private static Exception LastAttempt(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: > 0 } all)
            e = all.InnerExceptions[^1];
        return e;
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }
}
