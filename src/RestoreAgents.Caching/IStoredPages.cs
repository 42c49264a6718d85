namespace RestoreAgents.Caching;

/// <summary>
/// Told of each page whose every byte is in the page blob: its Put Page (or Clear Pages) succeeded, or it is all
/// zeros and a new blob reads it as such. A restore's journal keeps these, so a resumed restore skips them.
/// </summary>
public interface IStoredPages
{
    /// <summary>
    /// Called by the uploader before the page's slot is freed, so a page in neither the cache nor this log is never
    /// in limbo; an exception fails the cache as a failed upload would.
    /// </summary>
    ValueTask PageStoredAsync(long page, CancellationToken cancellationToken);
}
