namespace RestoreAgents.Cloud.Tests;

/// <summary>
/// A page cache's uploaders putting pages through a <see cref="PutPagePacer"/> to a blob that enforces a byte rate
/// (a token bucket) and an in-flight limit with 503 + Retry-After, as CloudFaultProxy's pacing does, simulated on a
/// <see cref="SteppedClock"/>: events in time order, no real waiting, the same result every run.
/// </summary>
internal sealed class ThrottledUploadSimulation
{
    private readonly SteppedClock _clock = new();
    private readonly PriorityQueue<Action, (long Time, long Order)> _events = new();
    private readonly List<Action> _waitingForWindow = [];
    private long _order;
    private double _tokens;
    private long _refilled;
    private int _serverInFlight;
    private int _nextPage;
    private long _firstSent = -1;
    private long _lastAnswered;

    public ThrottledUploadSimulation()
    {
        Pacer = new PutPagePacer(_clock);
    }

    public int Pages { get; init; } = 1000;
    public int PageBytes { get; init; } = 4 << 20;
    public int Uploaders { get; init; } = 8;
    public double BytesPerSecond { get; init; } = 20 << 20;
    /// <summary>The blob's bucket holds this much of its rate: a burst after a quiet spell.</summary>
    public TimeSpan Burst { get; init; } = TimeSpan.FromSeconds(1);
    public int? MaxInFlight { get; init; } = 4;
    public TimeSpan InFlightRetryAfter { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How long an accepted Put Page takes (the service's latency): far less than a page's share of a second.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(40);

    public PutPagePacer Pacer { get; }
    public int Refused { get; private set; }
    public int Accepted { get; private set; }

    /// <summary>Bytes accepted over the time from the first Put Page to the last answer, as a share of the rate.</summary>
    public double FractionOfCap => Accepted * (double)PageBytes
        / ((_lastAnswered - _firstSent) / 1e6 * BytesPerSecond);

    public double FractionRefused => Refused / (double)(Refused + Accepted);

    public ThrottledUploadSimulation Run()
    {
        _tokens = BytesPerSecond * Burst.TotalSeconds;
        for (var i = 0; i < Uploaders; i++) NextPage();
        while (_events.TryDequeue(out var action, out var at))
        {
            _clock.Now = at.Time;
            action();
        }
        return this;
    }

    private void At(long time, Action action) => _events.Enqueue(action, (Math.Max(time, _clock.Now), _order++));

    private void After(TimeSpan wait, Action action) => At(_clock.Now + Math.Max(1, SteppedClock.Microseconds(wait)), action);

    private void NextPage()
    {
        if (_nextPage++ < Pages) Admit();
    }

    private void Admit()
    {
        var admission = Pacer.Admit(PageBytes);
        if (admission.Permit is { } permit) Send(permit);
        else if (admission.Wait is { } wait) After(wait, Admit);
        else _waitingForWindow.Add(Admit);
    }

    private void Send(PutPagePermit permit)
    {
        if (Pacer.Until(permit) is { } left)
        {
            After(left, () => Send(permit));
            return;
        }
        if (_firstSent < 0) _firstSent = _clock.Now;
        _tokens = Math.Min(BytesPerSecond * Burst.TotalSeconds,
            _tokens + (_clock.Now - _refilled) / 1e6 * BytesPerSecond);
        _refilled = _clock.Now;
        if (_serverInFlight >= MaxInFlight)
        {
            Refuse(permit, InFlightRetryAfter);
            return;
        }
        if (_tokens < PageBytes)
        {
            Refuse(permit, TimeSpan.FromSeconds((PageBytes - _tokens) / BytesPerSecond));
            return;
        }
        _tokens -= PageBytes;
        _serverInFlight++;
        After(Latency, () =>
        {
            _serverInFlight--;
            Accepted++;
            _lastAnswered = _clock.Now;
            Pacer.Succeeded(permit, PageBytes);
            WakeWindowWaiters();
            NextPage();
        });
    }

    /// <summary>A 503 answered at once; the same page goes back to the pacer, as PacedPageWrites retries it.</summary>
    private void Refuse(PutPagePermit permit, TimeSpan retryAfter)
    {
        Refused++;
        After(TimeSpan.FromMilliseconds(1), () =>
        {
            Pacer.Throttled(permit, retryAfter);
            WakeWindowWaiters();
            Admit();
        });
    }

    private void WakeWindowWaiters()
    {
        var waiting = _waitingForWindow.ToList();
        _waitingForWindow.Clear();
        foreach (var admit in waiting) At(_clock.Now, admit);
    }
}
