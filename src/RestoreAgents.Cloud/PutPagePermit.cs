namespace RestoreAgents.Cloud;

/// <summary>
/// A Put Page call <see cref="PutPagePacer"/> let go: when it may be sent, and what the pacer needs to know when
/// its answer comes.
/// </summary>
/// <param name="Epoch">The pacer's cut count when admitted: a refusal cuts only if no cut came since.</param>
/// <param name="InFlight">Calls in flight with this one: a cut starts from what was really sent.</param>
/// <param name="SendAt">Its turn at the send rate (a <see cref="TimeProvider"/> timestamp).</param>
/// <param name="WindowLimited">It took the window's last place: its success grows the window.</param>
/// <param name="RateLimited">It waited for its turn at the rate: its success raises the rate.</param>
internal readonly record struct PutPagePermit(long Epoch, int InFlight, long SendAt, bool WindowLimited,
    bool RateLimited);
