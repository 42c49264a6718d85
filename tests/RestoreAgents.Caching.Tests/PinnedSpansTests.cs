namespace RestoreAgents.Caching.Tests;

public sealed unsafe class PinnedSpansTests
{
    [Fact]
    public void PinnedSpans_LendTheSpanAsMemory_AndReuseTheLease_OnceTheCallEnded()
    {
        var pool = new PinnedSpans();
        var bytes = new byte[16];
        PinnedSpans.Lease first;
        fixed (byte* pointer = bytes)
        {
            first = pool.Rent(pointer, bytes.Length);
            first.Memory.Span[3..5].Fill(7);
            Assert.Equal(bytes.Length, first.Memory.Length);
            pool.Return(first, ValueTask.CompletedTask).EnsureCompleted();
        }

        Assert.Equal(new byte[] { 0, 0, 0, 7, 7, 0 }, bytes[..6]);
        Assert.Equal(0, first.Memory.Length); // nothing reaches the span after it is given back
        fixed (byte* pointer = bytes)
        {
            var second = pool.Rent(pointer, 4);
            Assert.Same(first, second);
            Assert.Equal(4, second.Memory.Length);
            pool.Return(second, ValueTask.FromResult(4)).EnsureCompleted();
        }
    }

    [Fact]
    public void PinnedSpans_NeverLendAgain_ALeaseWhoseCallIsStillRunning()
    {
        var pool = new PinnedSpans();
        var bytes = new byte[16];
        PinnedSpans.Lease abandoned;
        fixed (byte* pointer = bytes)
        {
            abandoned = pool.Rent(pointer, bytes.Length);
            var running = new TaskCompletionSource();
            Assert.False(pool.Return(abandoned, new ValueTask(running.Task)).IsCompleted);
        }

        Assert.Equal(0, abandoned.Memory.Length); // the running call cannot reach the unpinned span any more
        fixed (byte* pointer = bytes)
        {
            var next = pool.Rent(pointer, bytes.Length);
            Assert.NotSame(abandoned, next);
            pool.Return(next, ValueTask.CompletedTask).EnsureCompleted();
        }
    }
}
