namespace RestoreAgents.Caching.Tests;

/// <summary>
/// Guards against hangs only: a test that waits for an event fails after this long instead of hanging the run.
/// No test asserts how fast anything is.
/// </summary>
internal static class TestGuard
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Waits until the condition holds (it is expected to, sooner or later).</summary>
    public static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"gave up waiting until {what}");
            await Task.Delay(1);
        }
    }
}
