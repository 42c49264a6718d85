using System.Globalization;
using Azure;

namespace RestoreAgents.Cloud;

/// <summary>What a failed page write or clear means for the next try, and how long the service asked to wait.</summary>
internal readonly record struct PageWriteAnswer(PageWriteAnswerKind Kind, TimeSpan? RetryAfter)
{
    /// <summary>
    /// 503 (ServerBusy), 500 OperationTimedOut and 429 are throttling; other 5xx, 408, 400 Md5Mismatch (the page
    /// changed on the way) and network errors or timeouts are transient; anything else (403, 404, 409, …) is final.
    /// </summary>
    public static PageWriteAnswer Of(Exception e) => e switch
    {
        RequestFailedException { Status: 503 or 429 } answer => new(PageWriteAnswerKind.Throttled, RetryAfterOf(answer)),
        RequestFailedException { Status: 500, ErrorCode: "OperationTimedOut" } answer =>
            new(PageWriteAnswerKind.Throttled, RetryAfterOf(answer)),
        RequestFailedException { Status: >= 500 or 408 or 0 } => new(PageWriteAnswerKind.Transient, null),
        RequestFailedException { Status: 400, ErrorCode: "Md5Mismatch" } => new(PageWriteAnswerKind.Transient, null),
        RequestFailedException => new(PageWriteAnswerKind.Final, null),
        _ => new(PageWriteAnswerKind.Transient, null),
    };

    /// <summary>x-ms-retry-after-ms or retry-after-ms (milliseconds), else Retry-After (seconds or an HTTP date).</summary>
    private static TimeSpan? RetryAfterOf(RequestFailedException answer)
    {
        if (answer.GetRawResponse() is not { } response) return null;
        var headers = response.Headers;
        foreach (var name in (string[])["x-ms-retry-after-ms", "retry-after-ms"])
            if (headers.TryGetValue(name, out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture,
                    out var milliseconds) && milliseconds >= 0)
                return TimeSpan.FromMilliseconds(milliseconds);
        if (!headers.TryGetValue("Retry-After", out var value)) return null;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return TimeSpan.FromSeconds(seconds);
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            && headers.Date is { } now
            ? at - now
            : null;
    }
}
