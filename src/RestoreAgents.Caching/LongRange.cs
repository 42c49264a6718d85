namespace RestoreAgents.Caching;

/// <summary>The half-open range [Start, End).</summary>
public readonly record struct LongRange(long Start, long End)
{
    public long Length => End - Start;
}
