using System.Runtime.InteropServices;

namespace RestoreAgents.PseudoDisk.Tests;

/// <summary>
/// Waits for this process's mount table to reach a state, woken by the kernel each time the table changes: poll(2)
/// on an open /proc/self/mountinfo reports POLLPRI once for each change since the open or the last such report
/// (proc(5)), so a change between a check and the next poll is never missed.
/// </summary>
internal static partial class MountTableChanges
{
    private const short PollPri = 0x2;
    private const int Eintr = 4;

    /// <param name="what">What the test waits for, for the failure a hang turns into.</param>
    public static Task WaitUntilAsync(Func<bool> condition, string what) =>
        Task.Factory.StartNew(() => WaitUntil(condition, what), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static void WaitUntil(Func<bool> condition, string what)
    {
        using var table = File.OpenHandle("/proc/self/mountinfo"); // open before the first check
        var deadline = Environment.TickCount64 + (long)HangGuard.Timeout.TotalMilliseconds;
        while (!condition())
        {
            var descriptor = new PollDescriptor { Descriptor = (int)table.DangerousGetHandle(), Events = PollPri };
            var waitMs = (int)Math.Max(0, deadline - Environment.TickCount64);
            var ready = Poll(ref descriptor, 1, waitMs);
            if (ready < 0 && Marshal.GetLastPInvokeError() is var errno && errno != Eintr)
                throw new IOException($"poll on /proc/self/mountinfo failed with errno {errno}");
            if (ready == 0)
                throw new TimeoutException($"gave up after {HangGuard.Timeout.TotalMinutes:0} minutes waiting for {what}");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollDescriptor
    {
        public int Descriptor;
        public short Events;
        public short ReturnedEvents;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollDescriptor descriptor, nuint count, int timeoutMs);
}
