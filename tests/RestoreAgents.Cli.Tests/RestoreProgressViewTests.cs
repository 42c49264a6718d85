using System.Runtime.CompilerServices;
using RestoreAgents.Cli.Rendering;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.Cli.Tests;

/// <summary>Without a terminal the view prints plain lines: one every few seconds, at each state change, and the last.</summary>
public sealed class RestoreProgressViewTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly StringWriter _output = new();

    private RestoreProgressView View(bool interactive = false) => new(new CliEnvironment(_output, TextWriter.Null,
        interactive, _ => null, _time));

    private async IAsyncEnumerable<RestoreProgress> Updates(IEnumerable<(TimeSpan After, RestoreProgress Progress)> script,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var (after, progress) in script)
        {
            _time.Advance(after);
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return progress;
        }
    }

    private string[] Lines => _output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task NonInteractive_PrintsALineEveryFewSeconds_NotForEveryUpdate()
    {
        var second = TimeSpan.FromSeconds(1);
        var script = Enumerable.Range(0, 12).Select(i => (second, CannedProgress.Running((ulong)i * 16))).ToList();

        var last = await View().ShowAsync("r-1", Updates(script), CancellationToken.None);

        Assert.Equal(176ul * CannedProgress.MiB, last!.BytesRestored);
        // Updates 1 s .. 12 s after the watch began: lines at 1 s, 6 s, 11 s, and the last update (12 s).
        Assert.Equal(["[0:01]", "[0:06]", "[0:11]", "[0:12]"], Lines.Select(l => l.Split(' ')[0]));
        Assert.All(Lines, line => Assert.Contains("job r-1 running:", line));
    }

    [Fact]
    public async Task NonInteractive_PrintsEveryStateChange_AtOnce()
    {
        var tick = TimeSpan.FromMilliseconds(100);
        var queued = CannedProgress.Running(0);
        queued.State = RestoreState.Queued;

        await View().ShowAsync("r-1", Updates([(tick, queued), (tick, CannedProgress.Running(0)),
            (tick, CannedProgress.Running(1)), (tick, CannedProgress.Completed())]), CancellationToken.None);

        Assert.Collection(Lines,
            line => Assert.Contains("job r-1 queued:", line),
            line => Assert.Contains("job r-1 running:", line),
            line => Assert.Contains("job r-1 completed:", line));
    }

    [Fact]
    public async Task NonInteractive_ShowsSpeedEtaZerosAndPages()
    {
        var second = TimeSpan.FromSeconds(1);
        var script = Enumerable.Range(0, 7).Select(i => (second, CannedProgress.Running((ulong)i * 16))).ToList();

        await View().ShowAsync("r-1", Updates(script), CancellationToken.None);

        // 16 MiB a second: 176 MiB left at 80 MiB restored is 11 s, 160 MiB left at 96 MiB is 10 s.
        Assert.Equal(3, Lines.Length);
        Assert.Equal("[0:06] job r-1 running: 80.0 MiB of 256.0 MiB (31%), 16.0 MiB/s, ETA 0:11, "
            + "zeros skipped 240.0 MiB, 20 pages uploaded", Lines[1]);
        Assert.Equal("[0:07] job r-1 running: 96.0 MiB of 256.0 MiB (37%), 16.0 MiB/s, ETA 0:10, "
            + "zeros skipped 288.0 MiB, 24 pages uploaded", Lines[2]);
    }

    [Fact]
    public async Task NonInteractive_SaysWhenAllDataIsIn_ButPagesStillUpload()
    {
        await View().ShowAsync("r-1", Updates([(TimeSpan.Zero, CannedProgress.Running(256))]), CancellationToken.None);

        Assert.Contains("256.0 MiB of 256.0 MiB (100%), all data received, finishing (last pages, verification)", Assert.Single(Lines));
    }

    [Fact]
    public async Task Interactive_DrawsAProgressBar_AndReturnsTheLastUpdate()
    {
        var last = await View(interactive: true).ShowAsync("r-1",
            Updates([(TimeSpan.Zero, CannedProgress.Running(64)), (TimeSpan.Zero, CannedProgress.Completed())]),
            CancellationToken.None);

        Assert.Equal(RestoreState.Completed, last!.State);
        Assert.Contains("100%", _output.ToString());
    }

    [Fact]
    public async Task EmptyStream_ReturnsNull_AndPrintsNothing()
    {
        var last = await View().ShowAsync("r-1", Updates([]), CancellationToken.None);

        Assert.Null(last);
        Assert.Empty(Lines);
    }
}
