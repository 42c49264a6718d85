namespace RestoreAgents.Testing;

/// <summary>
/// The one timeout a test puts on a wait for an event: generous, so it only turns a hang into a failure that says
/// what never happened. No test asserts how fast anything is.
/// </summary>
public static class HangGuard
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <param name="what">What the test waits for, to end "gave up waiting for ...".</param>
    public static async Task<T> Within<T>(Task<T> task, string what)
    {
        await Within((Task)task, what);
        return await task;
    }

    /// <inheritdoc cref="Within{T}"/>
    public static async Task Within(Task task, string what)
    {
        try
        {
            await task.WaitAsync(Timeout);
        }
        catch (TimeoutException e) when (!task.IsCompleted)
        {
            throw new TimeoutException($"gave up after {Timeout.TotalMinutes:0} minutes waiting for {what}", e);
        }
    }
}
