namespace RestoreAgents.Cloud;

/// <summary>
/// Runs one page write or clear of a blob through its <see cref="PutPagePacer"/> until it succeeds: a throttling
/// answer is retried, paced, for as long as <see cref="CloudOptions.ThrottleDeadline"/> allows (throttling alone
/// never fails a restore sooner); a transient failure is retried after a back-off with jitter, up to
/// <see cref="CloudOptions.MaxRetries"/> times; any other answer fails at once, naming the blob and the offset.
/// Adds each write's time to <paramref name="times"/>, and as throttled the time from each refused try to the next.
/// </summary>
internal sealed class PacedPageWrites(PutPagePacer pacer, PutPageTimes times, CloudOptions options, CloudErrors errors,
    TimeProvider time)
{
    /// <param name="bytes">What the call puts on the wire (0 for a clear): what the pacer's rate counts.</param>
    /// <param name="action">What is being done, to fit "Could not {action} page blob ...".</param>
    /// <param name="send">One try, without the SDK's retries (<see cref="PacedWritesRetryPolicy"/>).</param>
    public async ValueTask RunAsync(long offset, long bytes, string action, Func<CancellationToken, ValueTask> send,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        try
        {
            await RunTriesAsync(offset, bytes, action, send, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            times.AddCall(time.GetElapsedTime(started));
        }
    }

    private async ValueTask RunTriesAsync(long offset, long bytes, string action, Func<CancellationToken, ValueTask> send,
        CancellationToken cancellationToken)
    {
        var failures = 0;
        var throttled = 0;
        long? refusedSince = null;
        long? lastRefusedTry = null;
        while (true)
        {
            var permit = await pacer.AcquireAsync(bytes, cancellationToken).ConfigureAwait(false);
            var tryStarted = time.GetTimestamp();
            // A refused try and the wait after it, to this try, is time lost to throttling.
            if (lastRefusedTry is { } refused) times.AddThrottled(time.GetElapsedTime(refused, tryStarted));
            lastRefusedTry = null;
            Exception failure;
            try
            {
                await send(cancellationToken).ConfigureAwait(false);
                pacer.Succeeded(permit, bytes);
                return;
            }
            catch (Exception e) when (CloudErrors.IsCloudFailure(e, cancellationToken))
            {
                failure = e;
            }
            catch
            {
                pacer.Failed(permit);
                throw;
            }

            var answer = PageWriteAnswer.Of(failure);
            switch (answer.Kind)
            {
                case PageWriteAnswerKind.Throttled:
                    pacer.Throttled(permit, answer.RetryAfter);
                    lastRefusedTry = tryStarted;
                    throttled++;
                    refusedSince ??= time.GetTimestamp();
                    var refusedFor = time.GetElapsedTime(refusedSince.Value);
                    if (refusedFor >= options.ThrottleDeadline)
                        throw errors.ThrottledTooLong(failure, action, offset, refusedFor, throttled);
                    // Without a Retry-After (which pauses the whole blob), this page backs off on its own.
                    if (answer.RetryAfter is null)
                        await Task.Delay(BackOff(throttled), time, cancellationToken).ConfigureAwait(false);
                    break;
                case PageWriteAnswerKind.Transient:
                    pacer.Failed(permit);
                    if (++failures > options.MaxRetries) throw errors.Translate(failure, action, offset);
                    await Task.Delay(BackOff(failures), time, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    pacer.Failed(permit);
                    throw errors.Translate(failure, action, offset);
            }
        }
    }

    /// <summary>RetryDelay doubled per try up to MaxRetryDelay, ±20 % so that pages failed together spread out.</summary>
    private TimeSpan BackOff(int tries)
    {
        var delay = options.RetryDelay.TotalSeconds * Math.Pow(2, Math.Min(tries - 1, 30));
        var capped = Math.Min(delay, options.MaxRetryDelay.TotalSeconds);
        return TimeSpan.FromSeconds(capped * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }
}
