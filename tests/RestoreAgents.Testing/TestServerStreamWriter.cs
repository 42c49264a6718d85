using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;

namespace RestoreAgents.Testing;

/// <summary>
/// The response stream of a server-streaming call made straight on a service object. Each message is serialized
/// when written, as gRPC does before WriteAsync completes, so a message over a buffer the service reuses afterwards
/// is read as it was sent.
/// </summary>
public sealed class TestServerStreamWriter<T>(ServerCallContext context) : IServerStreamWriter<T>
    where T : class, IMessage<T>, new()
{
    private readonly Channel<T> _written = Channel.CreateUnbounded<T>();

    public WriteOptions? WriteOptions { get; set; }

    /// <summary>The messages in the order they were written; ends after <see cref="Complete"/>.</summary>
    public ChannelReader<T> Written => _written.Reader;

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        if (context.CancellationToken.IsCancellationRequested) return Task.FromCanceled(context.CancellationToken);
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled(cancellationToken);
        var sent = new T();
        sent.MergeFrom(message.ToByteArray());
        if (!_written.Writer.TryWrite(sent)) throw new InvalidOperationException("the call already ended");
        return Task.CompletedTask;
    }

    /// <summary>Ends the stream: call it when the service method has returned.</summary>
    public void Complete() => _written.Writer.TryComplete();

    /// <summary>Every message written, once the call has ended (<see cref="Complete"/>).</summary>
    public async Task<List<T>> ReadAllAsync()
    {
        var messages = new List<T>();
        await foreach (var message in _written.Reader.ReadAllAsync()) messages.Add(message);
        return messages;
    }
}
