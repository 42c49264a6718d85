namespace RestoreAgents.DataAgent.Journal;

/// <summary>
/// When a job's journal records the pages now in the cloud, bound from "DataAgent:Journal": every
/// <see cref="CheckpointPages"/> pages or every <see cref="CheckpointInterval"/>, whichever comes first. What a resumed
/// job asks the media agent for again is at most one such window (plus the pages its cache held).
/// </summary>
public sealed class JournalOptions
{
    /// <summary>Pages stored in the blob before the journal is synced again.</summary>
    public int CheckpointPages { get; set; } = 64;

    /// <summary>The longest a stored page waits to be synced into the journal.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (CheckpointPages is < 1 or > 1_000_000)
            throw new ArgumentException($"journal setting CheckpointPages is {CheckpointPages}; it must be between 1 "
                + "and 1000000");
        if (CheckpointInterval <= TimeSpan.Zero || CheckpointInterval > TimeSpan.FromHours(1))
            throw new ArgumentException($"journal setting CheckpointInterval is {CheckpointInterval}; it must be "
                + "positive and at most an hour");
    }
}
