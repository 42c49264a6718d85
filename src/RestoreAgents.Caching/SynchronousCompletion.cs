namespace RestoreAgents.Caching;

/// <summary>
/// Ends the synchronous side of a sync/async pair that shares one body (as Azure.Storage.Blobs'
/// <c>UploadPages</c>/<c>UploadPagesAsync</c> share <c>UploadPagesInternal(..., bool async, ...)</c>): run with
/// <c>async: false</c>, the body calls only synchronous operations, so its task is complete when it returns.
/// A task that is not is a bug, a call below that went asynchronous: this throws rather than block a thread on it.
/// </summary>
public static class SynchronousCompletion
{
    /// <summary>Observes the outcome of a task that must already be complete (rethrowing its exception).</summary>
    /// <exception cref="InvalidOperationException">The task is still running.</exception>
    public static void EnsureCompleted(this ValueTask task)
    {
        ThrowIfPending(task.IsCompleted);
        // Complete, so this never waits; it rethrows a failure and gives a pooled task back.
        task.GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="EnsureCompleted(ValueTask)"/>
    public static T EnsureCompleted<T>(this ValueTask<T> task)
    {
        ThrowIfPending(task.IsCompleted);
        return task.GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="EnsureCompleted(ValueTask)"/>
    public static void EnsureCompleted(this Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        ThrowIfPending(task.IsCompleted);
        task.GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="EnsureCompleted(ValueTask)"/>
    public static T EnsureCompleted<T>(this Task<T> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        ThrowIfPending(task.IsCompleted);
        return task.GetAwaiter().GetResult();
    }

    private static void ThrowIfPending(bool isCompleted)
    {
        if (!isCompleted)
            throw new InvalidOperationException(
                "an operation run synchronously did not complete synchronously: a call beneath it went "
                + "asynchronous, and a synchronous caller must not block on it");
    }
}
