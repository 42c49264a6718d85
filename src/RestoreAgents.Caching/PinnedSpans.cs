using System.Buffers;

namespace RestoreAgents.Caching;

/// <summary>
/// Lends a span to a body written for <see cref="Memory{T}"/> for one synchronous call (the span side of a
/// sync/async pair): the caller pins the span with <c>fixed</c>, and a reused <see cref="MemoryManager{T}"/>
/// wraps its pointer, so the synchronous path allocates nothing.
/// </summary>
internal sealed unsafe class PinnedSpans
{
    private readonly Lock _gate = new();
    private readonly Stack<Lease> _free = new();

    /// <param name="pointer">The start of a span the caller keeps pinned until <see cref="Return"/>.</param>
    public Lease Rent(byte* pointer, int length)
    {
        Lease? lease;
        lock (_gate) _free.TryPop(out lease);
        lease ??= new Lease();
        lease.Point(pointer, length);
        return lease;
    }

    /// <summary>Takes the lease back from the call that used it; returns that call, for EnsureCompleted.</summary>
    /// <remarks>
    /// A call still running (a bug: it went asynchronous) keeps its lease, emptied so that it cannot reach the
    /// span the caller unpins; that lease is never lent again.
    /// </remarks>
    public ValueTask Return(Lease lease, ValueTask call)
    {
        Return(lease, call.IsCompleted);
        return call;
    }

    /// <inheritdoc cref="Return(Lease, ValueTask)"/>
    public ValueTask<T> Return<T>(Lease lease, ValueTask<T> call)
    {
        Return(lease, call.IsCompleted);
        return call;
    }

    private void Return(Lease lease, bool done)
    {
        lease.Point(null, 0);
        if (done)
        {
            lock (_gate) _free.Push(lease);
        }
    }

    /// <summary>Memory over a pinned span; pinning it again is free, the caller's <c>fixed</c> holds it.</summary>
    internal sealed class Lease : MemoryManager<byte>
    {
        private byte* _pointer;
        private int _length;

        public void Point(byte* pointer, int length)
        {
            _pointer = pointer;
            _length = length;
        }

        public override Span<byte> GetSpan() => new(_pointer, _length);

        public override MemoryHandle Pin(int elementIndex = 0)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, _length);
            return new MemoryHandle(_pointer + elementIndex);
        }

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing) => Point(null, 0);
    }
}
