namespace RestoreAgents.Cloud;

/// <summary>
/// Paces one page blob's Put Page calls so that a throttling service is ridden at its limit, not hammered: a window
/// of calls in flight (additive increase, multiplicative decrease: +1/window per success the window held back,
/// ×0.65 on a throttling answer, at least 1; +1 per success before the first throttling answer), a send rate
/// (the same AIMD: ×0.65 on a throttling answer, +3 % of a page per success), and a pause of every call until a
/// Retry-After has passed. Thread-safe; one per <see cref="AzurePageBlob"/>.
/// </summary>
/// <remarks>
/// A window alone cannot hold a byte-rate limit when one call takes far less than the limit's second (a 4 MiB Put
/// Page may take 50 ms against a 20 MiB/s cap): calls one at a time would still find the blob's bucket empty. So
/// refusals start a send rate, guessed from what the blob accepted after the first refusal, and from then on cut the
/// rate; the window is cut only by a refusal of a call the rate did not hold back. One cut per round: a refusal of a
/// call sent before the last cut does not cut again. The decisions (<see cref="Admit"/>,
/// <see cref="Until"/>, <see cref="Succeeded"/>, <see cref="Throttled"/>) never wait, so a test drives them on a
/// simulated clock; <see cref="AcquireAsync"/> does the waiting.
/// </remarks>
internal sealed class PutPagePacer(TimeProvider time)
{
    /// <summary>AzCopy's page-blob pacer cuts by the same factor.</summary>
    public const double Decrease = 0.65;

    /// <summary>The first window: it grows by one per success (slow start) until the first throttling answer.</summary>
    public const double InitialWindow = 2;

    /// <summary>The largest window: more than any caller keeps in flight (UploadParallelism ≤ 64).</summary>
    public const double MaxWindow = 64;

    /// <summary>
    /// Growth of the send rate per accepted call that waited for its turn, in pages: at a limit of 5 pages a second,
    /// 15 % of a page a second, so a cut to 0.65 takes about 10 s to climb back, within the blob's burst.
    /// </summary>
    public const double RateGrowth = 0.03;

    /// <summary>
    /// No throttling answer for this long and the send rate is dropped: the limit that set it has gone (or was
    /// never a rate, e.g. refusals at random), and a rate cut far down would otherwise take hours to climb back.
    /// The next refusal measures anew.
    /// </summary>
    public static readonly TimeSpan RateForgottenAfter = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private double _window = InitialWindow;
    private int _inFlight;
    private long _pausedUntil;
    private double? _bytesPerSecond;
    private long _nextSend;
    private long _epoch;
    private long? _measureFrom;
    private long _acceptedSinceMeasure;
    private long _calls;
    private long _throttled;
    private long _lastThrottled;
    private TaskCompletionSource? _released;

    /// <summary>Where the pacing stands now, for a job's progress.</summary>
    public PutPagePacing Snapshot()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            return new PutPagePacing
            {
                InFlightLimit = (int)_window,
                InFlight = _inFlight,
                BytesPerSecondLimit = _bytesPerSecond,
                Calls = _calls,
                Throttled = _throttled,
                PausedFor = _pausedUntil > now ? time.GetElapsedTime(now, _pausedUntil) : TimeSpan.Zero,
            };
        }
    }

    /// <summary>
    /// Waits until a call of <paramref name="bytes"/> may go: no pause in force, a place in the window, and its turn
    /// at the send rate. The caller then reports how the call went through exactly one of <see cref="Succeeded"/>,
    /// <see cref="Throttled"/> and <see cref="Failed"/>.
    /// </summary>
    public async ValueTask<PutPagePermit> AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            var admission = Admit(bytes);
            if (admission.Permit is not { } permit)
            {
                await (admission.Wait is { } wait
                    ? Task.Delay(wait, time, cancellationToken)
                    : WindowReleased().WaitAsync(cancellationToken)).ConfigureAwait(false);
                continue;
            }
            try
            {
                // Its turn at the rate, and any pause a throttling answer started meanwhile.
                while (Until(permit) is { } left)
                    await Task.Delay(left, time, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Abandon();
                throw;
            }
            return permit;
        }
    }

    /// <summary>
    /// Decides at once: a permit to send once <see cref="Until"/> says nothing is left; or how long to wait before
    /// asking again (a pause), or no time at all when only a call ending frees the window.
    /// </summary>
    public PutPageAdmission Admit(long bytes)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            if (_pausedUntil > now) return new PutPageAdmission(null, time.GetElapsedTime(now, _pausedUntil));
            if (_inFlight >= Math.Max(1, (int)_window)) return new PutPageAdmission(null, null);
            _inFlight++;
            var sendAt = now;
            if (_bytesPerSecond is { } rate)
            {
                sendAt = Math.Max(now, _nextSend);
                _nextSend = sendAt + (long)(bytes / rate * time.TimestampFrequency);
            }
            return new PutPageAdmission(new PutPagePermit(_epoch, _inFlight, sendAt,
                WindowLimited: _inFlight >= (int)_window, RateLimited: sendAt > now), null);
        }
    }

    /// <summary>How long an admitted call still waits: for its turn at the rate or for a pause to end; null: go.</summary>
    public TimeSpan? Until(PutPagePermit permit)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            var from = Math.Max(permit.SendAt, _pausedUntil);
            return from > now ? time.GetElapsedTime(now, from) : null;
        }
    }

    /// <summary>The call was accepted: the window grows if it was what held calls back, and so does the rate.</summary>
    public void Succeeded(PutPagePermit permit, long bytes)
    {
        lock (_gate)
        {
            Release();
            _calls++;
            _acceptedSinceMeasure += bytes;
            if (permit.WindowLimited) _window = Math.Min(MaxWindow, _window + (_epoch == 0 ? 1 : 1 / _window));
            if (permit.RateLimited && _bytesPerSecond is { } rate) _bytesPerSecond = rate + RateGrowth * bytes;
            if (_bytesPerSecond is not null && time.GetElapsedTime(_lastThrottled) >= RateForgottenAfter)
                (_bytesPerSecond, _measureFrom) = (null, null);
        }
    }

    /// <summary>
    /// The service refused the call as throttling (503, 500 OperationTimedOut, 429): every call waits out
    /// <paramref name="retryAfter"/>, and the first refusal since the last cut cuts the window and the rate.
    /// </summary>
    public void Throttled(PutPagePermit permit, TimeSpan? retryAfter)
    {
        lock (_gate)
        {
            Release();
            _calls++;
            _throttled++;
            var now = time.GetTimestamp();
            _lastThrottled = now;
            if (retryAfter is { } pause && pause > TimeSpan.Zero)
                _pausedUntil = Math.Max(_pausedUntil, now + (long)(pause.TotalSeconds * time.TimestampFrequency));
            // Calls sent before the last cut went at the old pace: their refusals do not cut again.
            if (permit.Epoch != _epoch) return;
            _epoch++;
            // The rate holds calls back once there is one; the window only when it let this call go at once.
            if (!permit.RateLimited) _window = Math.Max(1, Math.Min(_window, permit.InFlight) * Decrease);
            if (_bytesPerSecond is { } rate) _bytesPerSecond = rate * Decrease;
            else GuessRate(now);
        }
    }

    /// <summary>The call failed otherwise: its place is freed, the pace is left as it is.</summary>
    public void Failed(PutPagePermit permit)
    {
        lock (_gate)
        {
            Release();
            _calls++;
        }
    }

    /// <summary>
    /// The first rate: what the blob accepted since the first refusal (when its burst was spent), at the first cut
    /// after that which has a call to count. A rough guess over a short time; the cuts and growth correct it.
    /// </summary>
    private void GuessRate(long now)
    {
        if (_measureFrom is not { } from)
        {
            _measureFrom = now;
            _acceptedSinceMeasure = 0;
            return;
        }
        if (_acceptedSinceMeasure == 0) return;
        var seconds = Math.Max(time.GetElapsedTime(from, now).TotalSeconds, 1e-3);
        _bytesPerSecond = _acceptedSinceMeasure / seconds * Decrease;
        _nextSend = now;
    }

    private Task WindowReleased()
    {
        lock (_gate)
        {
            return _inFlight < Math.Max(1, (int)_window)
                ? Task.CompletedTask
                : (_released ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>An admitted call that was never sent (its caller gave up while it waited).</summary>
    private void Abandon()
    {
        lock (_gate) Release();
    }

    private void Release()
    {
        _inFlight--;
        if (_released is { } released)
        {
            _released = null;
            released.TrySetResult();
        }
    }
}
