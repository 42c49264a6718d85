using System.Diagnostics;

namespace RestoreAgents.Telemetry;

/// <summary>How every span says it failed: error status with the message, and error.type naming the exception.</summary>
public static class SpanFailure
{
    /// <param name="message">What to show instead of the exception's message (e.g. one with no secret in it).</param>
    public static void Mark(Activity? activity, Exception failure, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, message ?? failure.Message);
        activity.SetTag(TelemetryAttributes.ErrorType, ErrorType(failure));
    }

    /// <summary>The value of error.type for <paramref name="failure"/>: its exception type's full name.</summary>
    public static string ErrorType(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.GetType().FullName ?? failure.GetType().Name;
    }
}
