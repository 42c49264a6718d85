namespace RestoreAgents.Security.Tests;

/// <summary>The system clock moved by a fixed amount: a validator that reads it sees another day.</summary>
internal sealed class ShiftedClock(TimeSpan shift) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
}
