namespace RestoreAgents.Cloud.Tests;

/// <summary>A clock in microseconds that moves only when a simulation sets it; it has no timers.</summary>
internal sealed class SteppedClock : TimeProvider
{
    public long Now { get; set; }

    public override long TimestampFrequency => 1_000_000;

    public override long GetTimestamp() => Now;

    public static long Microseconds(TimeSpan span) => (long)(span.TotalSeconds * 1_000_000);
}
