using Azure;

namespace RestoreAgents.Cloud;

/// <summary>
/// What logs, spans and job errors may say of an exception. The SDK's <see cref="RequestFailedException"/> text
/// carries the response's headers (and can echo the request), so it is reduced to its status and error code;
/// every other exception of this project says what it is without a secret.
/// </summary>
public static class SafeErrorText
{
    /// <summary>The message to show for <paramref name="e"/>.</summary>
    public static string Of(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e is RequestFailedException answer
            ? $"the storage service answered {answer.Status}{(answer.ErrorCode is { } code ? " " + code : "")}"
            : e.Message;
    }

    /// <summary>
    /// The exception itself when it may be logged whole (message, inner exceptions, stack), else null: a logger
    /// prints every inner exception's text.
    /// </summary>
    public static Exception? Loggable(Exception e)
    {
        for (Exception? at = e; at is not null; at = at.InnerException)
        {
            if (at is RequestFailedException) return null;
            if (at is AggregateException all && all.InnerExceptions.Any(inner => Loggable(inner) is null)) return null;
        }
        return e;
    }
}
