namespace RestoreAgents.Cloud.Tests;

/// <summary>
/// The blob's pacer: the window's slow start, additive increase and cut to 0.65 (once per round), Retry-After
/// pausing every call, and, against a simulated throttling blob, a restore that settles at the blob's cap.
/// </summary>
public sealed class PutPagePacerTests
{
    private const int Page = 4 << 20;
    private readonly SteppedClock _clock = new();

    [Theory]
    [InlineData(40, 1000)]
    [InlineData(40, 200)]
    [InlineData(150, 1000)]
    [InlineData(150, 200)]
    public void AgainstAByteRateAndInFlightLimit_ItKeeps95PercentOfTheCap_WithAtMost5PercentRefused(int latencyMs,
        int retryAfterMs)
    {
        // The stand-in of issue 9: 20 MiB/s of Put Page bytes per blob, a fifth call in flight refused with
        // Retry-After; 1000 pages of 4 MiB by 8 uploaders, each call answered far sooner than its share of a second.
        var run = new ThrottledUploadSimulation
        {
            Latency = TimeSpan.FromMilliseconds(latencyMs),
            InFlightRetryAfter = TimeSpan.FromMilliseconds(retryAfterMs),
        }.Run();

        Assert.Equal(1000, run.Accepted);
        Assert.True(run.FractionOfCap >= 0.95, $"{run.FractionOfCap:F3} of the cap");
        Assert.True(run.FractionRefused <= 0.05, $"{run.Refused} of {run.Refused + run.Accepted} calls refused");
        Assert.NotNull(run.Pacer.Snapshot().BytesPerSecondLimit);
    }

    [Fact]
    public void WithoutLimits_NothingIsRefused_AndTheWindowOpensToEveryUploader_WithoutARate()
    {
        var run = new ThrottledUploadSimulation
        {
            Pages = 200, BytesPerSecond = 1e15, MaxInFlight = null,
        }.Run();

        Assert.Equal(0, run.Refused);
        var pacing = run.Pacer.Snapshot();
        Assert.True(pacing.InFlightLimit >= 8, $"window {pacing.InFlightLimit}");
        Assert.Null(pacing.BytesPerSecondLimit);
    }

    [Fact]
    public void SlowStart_GrowsTheWindowByOnePerSuccess_ThenByOneOverTheWindow_AfterTheFirstCut()
    {
        var pacer = new PutPagePacer(_clock);
        Assert.Equal(2, pacer.Snapshot().InFlightLimit);

        var first = Admit(pacer);
        var second = Admit(pacer);
        Assert.Null(pacer.Admit(Page).Permit);    // the window is full
        pacer.Succeeded(second, Page);            // it took the last place: +1
        pacer.Succeeded(first, Page);             // it did not
        Assert.Equal(3, pacer.Snapshot().InFlightLimit);

        GrowTo(pacer, 10);
        var permits = Enumerable.Range(0, 10).Select(_ => Admit(pacer)).ToList();
        pacer.Throttled(permits[^1], retryAfter: null);
        Assert.Equal(6, pacer.Snapshot().InFlightLimit);   // 10 × 0.65 = 6.5
        foreach (var permit in permits.SkipLast(1)) pacer.Succeeded(permit, Page);

        // Now +1/window per success that found the window full: 6.5 → 7 takes a few.
        var full = Enumerable.Range(0, 6).Select(_ => Admit(pacer)).ToList();
        foreach (var permit in full) pacer.Succeeded(permit, Page);
        Assert.Equal(6, pacer.Snapshot().InFlightLimit);
    }

    [Fact]
    public void Throttled_CutsTo065OfWhatWasInFlight_OncePerRound()
    {
        var pacer = new PutPagePacer(_clock);
        GrowTo(pacer, 20);
        var sent = Enumerable.Range(0, 8).Select(_ => Admit(pacer)).ToList();

        pacer.Throttled(sent[7], retryAfter: null);
        pacer.Throttled(sent[6], retryAfter: null);    // sent before the cut: no second cut

        Assert.Equal(5, pacer.Snapshot().InFlightLimit);   // 8 in flight × 0.65 = 5.2, not 20 × 0.65
        Assert.Equal(2, pacer.Snapshot().Throttled);
        foreach (var permit in sent.Take(6)) pacer.Succeeded(permit, Page);
        var after = Enumerable.Range(0, 5).Select(_ => Admit(pacer)).ToList();
        pacer.Throttled(after[^1], retryAfter: null);      // sent after the cut: cuts again
        Assert.Equal(3, pacer.Snapshot().InFlightLimit);   // 5 × 0.65 = 3.25
    }

    [Fact]
    public void Throttled_NeverCutsTheWindowBelowOne()
    {
        var pacer = new PutPagePacer(_clock);
        for (var i = 0; i < 10; i++) pacer.Throttled(Admit(pacer), retryAfter: null);

        Assert.Equal(1, pacer.Snapshot().InFlightLimit);
        Assert.NotNull(pacer.Admit(Page).Permit);
    }

    [Fact]
    public void RetryAfter_PausesEveryCall_UntilItHasPassed()
    {
        var pacer = new PutPagePacer(_clock);
        var waiting = Admit(pacer);
        pacer.Throttled(Admit(pacer), TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(1), pacer.Admit(Page).Wait);
        Assert.Equal(TimeSpan.FromSeconds(1), pacer.Until(waiting));    // admitted before the answer: paused too
        Assert.Equal(TimeSpan.FromSeconds(1), pacer.Snapshot().PausedFor);
        _clock.Now += 1_000_000;
        Assert.Null(pacer.Until(waiting));
        pacer.Succeeded(waiting, Page);
        Assert.NotNull(pacer.Admit(Page).Permit);
    }

    [Fact]
    public void ThrottlingAnswers_StartASendRate_FromWhatTheBlobTookAfterTheFirst_ThatSpacesCalls()
    {
        var pacer = new PutPagePacer(_clock);
        pacer.Throttled(Admit(pacer), retryAfter: null);   // the blob's burst is spent: measuring starts
        Assert.Null(pacer.Snapshot().BytesPerSecondLimit);
        var accepted = Admit(pacer);
        _clock.Now += 500_000;
        pacer.Succeeded(accepted, Page);                   // 4 MiB in half a second
        pacer.Throttled(Admit(pacer), retryAfter: null);

        var rate = pacer.Snapshot().BytesPerSecondLimit!.Value;
        Assert.Equal(8.0 * (1 << 20) * PutPagePacer.Decrease, rate, precision: 0);
        var first = Admit(pacer);
        Assert.Null(pacer.Until(first));
        pacer.Succeeded(first, Page);
        var second = Admit(pacer);
        Assert.Equal(Page / rate, pacer.Until(second)!.Value.TotalSeconds, precision: 3);

        pacer.Throttled(second, retryAfter: null);         // a refusal once a rate holds calls back cuts the rate
        Assert.Equal(rate * PutPagePacer.Decrease, pacer.Snapshot().BytesPerSecondLimit!.Value, precision: 0);
    }

    [Fact]
    public void ASendRate_IsForgotten_AfterThirtySecondsWithoutAThrottlingAnswer()
    {
        var pacer = new PutPagePacer(_clock);
        pacer.Throttled(Admit(pacer), retryAfter: null);
        var accepted = Admit(pacer);
        _clock.Now += 500_000;
        pacer.Succeeded(accepted, Page);
        pacer.Throttled(Admit(pacer), retryAfter: null);
        Assert.NotNull(pacer.Snapshot().BytesPerSecondLimit);

        _clock.Now += SteppedClock.Microseconds(PutPagePacer.RateForgottenAfter) - 1;
        var before = Admit(pacer);
        pacer.Succeeded(before, Page);
        Assert.NotNull(pacer.Snapshot().BytesPerSecondLimit);
        _clock.Now += 1;
        var after = Admit(pacer);
        pacer.Succeeded(after, Page);

        Assert.Null(pacer.Snapshot().BytesPerSecondLimit);
        Assert.Null(pacer.Until(Admit(pacer)));
    }

    private static PutPagePermit Admit(PutPagePacer pacer) =>
        pacer.Admit(Page).Permit ?? throw new InvalidOperationException("the pacer admitted no call");

    /// <summary>Slow start to a window of <paramref name="size"/>: fill the window, succeed, again.</summary>
    private static void GrowTo(PutPagePacer pacer, int size)
    {
        while (pacer.Snapshot().InFlightLimit < size)
        {
            var permits = new List<PutPagePermit>();
            while (pacer.Admit(Page).Permit is { } permit) permits.Add(permit);
            foreach (var permit in permits) pacer.Succeeded(permit, Page);
        }
    }
}
