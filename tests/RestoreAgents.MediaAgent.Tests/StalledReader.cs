using Grpc.Core;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.MediaAgent.Tests;

/// <summary>
/// A client that takes <c>taken</c> messages and then reads no more: its next write waits, as HTTP/2 flow control
/// holds a server's write, until the write's token is cancelled.
/// </summary>
internal sealed class StalledReader(int taken) : IServerStreamWriter<Block>
{
    private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _written;

    public WriteOptions? WriteOptions { get; set; }

    /// <summary>Completes when a write starts to wait.</summary>
    public Task Stalled => _stalled.Task;

    public int Taken => Volatile.Read(ref _written);

    public Task WriteAsync(Block message) => WriteAsync(message, CancellationToken.None);

    public async Task WriteAsync(Block message, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _written) <= taken) return;
        Interlocked.Decrement(ref _written);
        _stalled.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
