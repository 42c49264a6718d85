namespace RestoreAgents.Caching;

internal enum PageSlotState
{
    /// <summary>Holds no page.</summary>
    Free,

    /// <summary>Being filled with the page's uploaded bytes from the blob before a write lands on it.</summary>
    Loading,

    /// <summary>Takes writes.</summary>
    Filling,

    /// <summary>Queued for upload or uploading; busy until the blob acknowledges.</summary>
    Uploading,
}
