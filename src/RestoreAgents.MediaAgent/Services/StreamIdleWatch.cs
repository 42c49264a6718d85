using Grpc.Core;

namespace RestoreAgents.MediaAgent.Services;

/// <summary>
/// Ends a server stream whose client stops reading: each write must complete within the idle timeout, else its
/// token is cancelled and <c>onIdle</c> runs (the service resets the HTTP/2 stream there). Time the server spends
/// reading the store does not count: the clock runs only while a write waits.
/// </summary>
internal sealed class StreamIdleWatch : IDisposable
{
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenSource _idle;
    private readonly CancellationTokenSource _writes;
    private readonly CancellationTokenRegistration _onIdle;

    /// <param name="call">The call's own token: a write also ends when the call does.</param>
    public StreamIdleWatch(TimeSpan timeout, TimeProvider time, CancellationToken call, Action onIdle)
    {
        _timeout = timeout;
        _idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _writes = CancellationTokenSource.CreateLinkedTokenSource(call, _idle.Token);
        _onIdle = _idle.Token.Register(onIdle);
    }

    /// <summary>True once a write waited longer than the timeout.</summary>
    public bool Expired => _idle.IsCancellationRequested;

    public TimeSpan IdleTimeout => _timeout;

    public async Task WriteAsync<T>(IServerStreamWriter<T> stream, T message)
    {
        _idle.CancelAfter(_timeout);
        try
        {
            await stream.WriteAsync(message, _writes.Token);
        }
        finally
        {
            if (!_idle.IsCancellationRequested) _idle.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        _onIdle.Dispose();
        _writes.Dispose();
        _idle.Dispose();
    }
}
