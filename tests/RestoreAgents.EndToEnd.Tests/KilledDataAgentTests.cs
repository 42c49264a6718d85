using Grpc.Core;
using RestoreAgents.Caching;
using RestoreAgents.DataAgent.Disks;
using RestoreAgents.Protocol.V1;
using RestoreAgents.PseudoDisk.Interop;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// The data agent process is killed with SIGKILL again and again during one restore — mid-stream, right as its
/// journal is written, while the VHD footer's Put Page is on its way — and each time started again on the same
/// cache folder. It resumes the job by itself (same id), clears the stale FUSE mount, asks
/// the media agent only for what is not in the blob, and the blob ends equal to the source (qemu-img compare).
/// What each resume asks for again that had been sent before stays within one checkpoint window.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse, RealPart.QemuImg)]
[Collection(AgentsCollection.Name)]
public sealed class KilledDataAgentTests(AgentsFixture agents) : IAsyncLifetime
{
    private const int KiB = 1024;
    private const int MiB = 1024 * KiB;
    private const int DiskSize = 32 * MiB;
    private const int PageSize = 256 * KiB;
    private const int CacheSize = MiB;          // 4 slots
    private const int CheckpointPages = 4;
    private const string Scripted = "scripted";
    private const string ThroughProxy = "through-proxy";

    /// <summary>
    /// What a resume may ask for again of what had arrived: the pages stored since the last checkpoint (fewer than
    /// CheckpointPages), the pages the cache held (its slots), and what the disk writer gathered on the way into
    /// the cache (two buffers of <see cref="BlockGatherer.WriteSize"/>: one filling, one being written).
    /// </summary>
    private const long ResendWindow = (CheckpointPages + CacheSize / PageSize) * (long)PageSize
        + 2 * BlockGatherer.WriteSize;

    private readonly RestoreDriver _driver = new(agents);
    private ScriptedMediaAgent _media = null!;
    private CloudFaultProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _media = await ScriptedMediaAgent.StartAsync(agents.Pki);
        _proxy = await CloudFaultProxy.StartAsync(agents.Azurite.BlobEndpoint);
        // 3 MiB/s of Put Pages: a run takes about 10 s, so kills land mid-stream even on a loaded machine.
        _proxy.Pace(new BlobPacing { BytesPerSecond = 3 * MiB });
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _media.DisposeAsync();
    }

    /// <summary>Five kills per restore: three at seeded points of the stream, one at a checkpoint, one in the footer.</summary>
    [Theory]
    [InlineData(1, "fuse")]
    [InlineData(2, "fuse")]
    [InlineData(3, "fuse")]
    [InlineData(4, "direct")]
    public async Task DataAgentKilledAtSeededPoints_ResumesEachTime_BlobEqualsSource_ResendWithinOneWindow(int seed,
        string mode)
    {
        using var folder = new TempDirectory($"killed-{seed}");
        var name = $"killed-{seed}";
        var disk = TestBytes.NonZero(DiskSize, seed);
        var image = folder.Combine("source.raw");
        await File.WriteAllBytesAsync(image, disk);
        _media.Serve(name, disk, ScriptedMediaAgent.Pieces(disk));
        var footer = _proxy.Add(new CloudFaultRule
        {
            Kind = CloudRequestKind.PutPage, Fault = CloudFault.Stall, Blob = $"{name}.vhd", FromOffset = DiskSize,
            StallFor = TimeSpan.FromMinutes(2), Times = 1,
        });
        var points = KillPoints(seed);
        var settings = Settings(folder, mode);

        var agent = await AgentProcess.StartAsync("RestoreAgents.DataAgent", agents.Pki, settings);
        var processes = new List<AgentProcess> { agent };
        var trackers = new List<ProgressTracker>();
        var streamsAtKill = new List<int>();
        try
        {
            string job;
            using (var channel = agents.Pki.Channel(agent.Url, TestPki.Operator))
            {
                var request = _driver.Request(name, $"{name}.vhd", PageSize, CacheSize, mediaAgent: Scripted,
                    destination: ThroughProxy);
                job = (await new Protocol.V1.DataAgent.DataAgentClient(channel).StartRestoreAsync(request)).JobId;
            }
            var journal = Path.Combine(folder.Combine("cache"), job, "journal");
            var tracker = ProgressTracker.Start(agents.Pki, agent, job);
            trackers.Add(tracker);
            var resent = new List<long>();
            foreach (var point in points)
            {
                await WithinAsync(agent, KillAtAsync(agent, tracker, journal, point, footer),
                    $"job {job} to reach kill point {point}");
                streamsAtKill.Add(_media.BlocksSent(name).Count);
                var arrivedBeforeKill = tracker.Last?.BytesRestored ?? 0;
                var resumed = Resumes(job);
                var next = await AgentProcess.StartAsync("RestoreAgents.DataAgent", agents.Pki, settings);
                processes.Add(next);
                // Killed while writing into its own mount, the agent hangs in exit until its FUSE connection is aborted.
                Assert.True(await agent.ExitedWithinAsync(TimeSpan.FromSeconds(30)),
                    $"the killed agent is still stuck in exit after the next agent started\n{next.Output}");
                agent = next;
                await WithinAsync(agent, resumed(agent), $"job {job} to resume");
                tracker = ProgressTracker.Start(agents.Pki, agent, job);
                trackers.Add(tracker);
                var running = await WithinAsync(agent, tracker.WhenAsync(p => p.State != RestoreState.Resuming),
                    $"job {job} to run again");
                // What had arrived before the kill, less what the resume kept: what it asks for again.
                resent.Add((long)arrivedBeforeKill - (long)running.BytesKeptAtResume);
            }

            var result = await WatchToEndAsync(agent, job);

            Assert.True(result.State == RestoreState.Completed, $"{result.State}: {result.Error}\n{agent.Output}");
            Assert.True(result.Verified);
            Assert.Equal((uint)points.Count, result.Resumes);
            if (mode == "fuse") Assert.Contains("was cleared", string.Concat(processes.Skip(1).Select(p => p.Output)));
            var compare = await QemuImg.CompareAsync(image, await _driver.DownloadAsync($"{name}.vhd"), "raw", "vpc");
            Assert.True(compare.ExitCode == 0, compare.Combined);
            Assert.False(Directory.Exists(Path.GetDirectoryName(journal)), "the completed job's journal is still there");

            var sentAgain = SentAgainPerResume(_media.BlocksSent(name), streamsAtKill);
            Console.WriteLine($"kill test seed {seed} ({mode}): kill points {string.Join(", ", points)}; bytes asked "
                + $"again per resume {string.Join(", ", resent)} (window {ResendWindow}); the media agent sent again "
                + $"{string.Join(", ", sentAgain)} (with what its connection held when the data agent died)");
            Assert.All(resent, bytes => Assert.InRange(bytes, long.MinValue, ResendWindow));
        }
        finally
        {
            foreach (var each in trackers) each.Dispose();
            foreach (var process in processes) await process.DisposeAsync();
            if (MountTable.Find(folder.Combine("mount")) is not null)
                await ProcessRunner.RunAsync("umount", ["-l", folder.Combine("mount")]);
        }
    }

    private enum KillPoint
    {
        /// <summary>Once this share of the copy has arrived (a seeded fraction, in the kill's name).</summary>
        Stream,

        /// <summary>The moment the journal takes its first checkpoint of pages after the resume.</summary>
        Checkpoint,

        /// <summary>While the VHD footer's Put Page is held by the fault proxy: every page is in, the footer is not.</summary>
        Footer,
    }

    private sealed record Kill(KillPoint Point, double Fraction)
    {
        public override string ToString() => Point == KillPoint.Stream ? $"stream@{Fraction:P0}" : Point.ToString().ToLowerInvariant();
    }

    private static List<Kill> KillPoints(int seed)
    {
        var random = new Random(seed);
        double Between(double low, double high) => low + random.NextDouble() * (high - low);
        return
        [
            new(KillPoint.Stream, Between(0.05, 0.25)),
            new(KillPoint.Checkpoint, 0),
            new(KillPoint.Stream, Between(0.35, 0.6)),
            new(KillPoint.Stream, Between(0.65, 0.9)),
            new(KillPoint.Footer, 0),
        ];
    }

    private string[] Settings(TempDirectory folder, string mode)
    {
        var destination = $"--DataAgent:Destinations:{ThroughProxy}";
        return
        [
            $"--DataAgent:CacheDirectory={folder.Combine("cache")}", $"--DataAgent:MountPath={folder.Combine("mount")}",
            $"--DataAgent:PseudoDisk={mode}", .. agents.NamedParts,
            $"--DataAgent:MediaAgents:{Scripted}:Url={_media.Url}",
            $"{destination}:BlobEndpoint={_proxy.BlobEndpoint}", $"{destination}:Credential=AccountKey",
            $"{destination}:AccountName={AzuriteFixture.AccountName}",
            $"{destination}:AccountKeyFile={agents.AccountKeyFile}", $"{destination}:AllowPlaintext=true",
            $"--DataAgent:Journal:CheckpointPages={CheckpointPages}", "--DataAgent:Journal:CheckpointInterval=00:00:30",
        ];
    }

    /// <summary>Waits for the kill point in the agent's job, then kills the agent with SIGKILL.</summary>
    private static async Task KillAtAsync(AgentProcess agent, ProgressTracker tracker, string journal, Kill kill,
        CloudFaultRule footer)
    {
        switch (kill.Point)
        {
            case KillPoint.Checkpoint:
            {
                // The resume's own mark is written already; the next write is a checkpoint of pages.
                var length = new FileInfo(journal).Length;
                using var watcher = new FileSystemWatcher(Path.GetDirectoryName(journal)!, "journal")
                {
                    NotifyFilter = NotifyFilters.Size | NotifyFilters.LastWrite,
                };
                var checkpoint = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                watcher.Changed += (_, _) =>
                {
                    if (new FileInfo(journal).Length <= length) return;
                    agent.Kill();
                    checkpoint.TrySetResult();
                };
                watcher.EnableRaisingEvents = true;
                if (new FileInfo(journal).Length > length) agent.Kill(); // it came before the watcher
                else await checkpoint.Task;
                return;
            }
            case KillPoint.Footer:
                await footer.FirstApplied;
                agent.Kill();
                return;
            default:
                await tracker.WhenAsync(p => p.State == RestoreState.Running
                    && p.BytesRestored >= kill.Fraction * p.BytesToRestore);
                agent.Kill();
                return;
        }
    }

    /// <summary>The hang guard, with what the agent logged by the time it gave up.</summary>
    private static async Task<T> WithinAsync<T>(AgentProcess agent, Task<T> task, string what)
    {
        await WithinAsync(agent, (Task)task, what);
        return await task;
    }

    /// <summary>The hang guard, with what the agent logged by the time it gave up.</summary>
    private static async Task WithinAsync(AgentProcess agent, Task task, string what)
    {
        try
        {
            await HangGuard.Within(task, what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{agent.Output}", e);
        }
    }

    /// <summary>Completes when the next agent has taken the job from its journal (its log says so).</summary>
    private static Func<AgentProcess, Task> Resumes(string job) => async agent =>
    {
        bool Match(string line) => line.Contains($"Restore {job} resumes from its journal", StringComparison.Ordinal);
        var next = agent.NextLineAsync(Match);
        if (agent.Output.Split('\n').Any(Match)) return;
        await next;
    };

    private async Task<RestoreProgress> WatchToEndAsync(AgentProcess agent, string job)
    {
        using var channel = agents.Pki.Channel(agent.Url, TestPki.Operator);
        var watching = RestoreDriver.WatchAsync(new Protocol.V1.DataAgent.DataAgentClient(channel), job);
        await WithinAsync(agent, watching, $"job {job} to end");
        return await watching;
    }

    /// <summary>
    /// For each resume, the bytes its streams carried that an earlier process's streams had carried already, as the
    /// media agent counts them: with what was in flow control and socket buffers when the data agent died (reported).
    /// </summary>
    /// <param name="streamsAtKill">How many streams had been opened when each kill came.</param>
    private static List<long> SentAgainPerResume(IReadOnlyList<IReadOnlyList<(ulong Offset, int Length)>> streams,
        IReadOnlyList<int> streamsAtKill)
    {
        var resent = new List<long>();
        for (int kill = 0; kill < streamsAtKill.Count; kill++)
        {
            var before = new RangeSet();
            foreach (var stream in streams.Take(streamsAtKill[kill]))
                foreach (var (offset, length) in stream) before.Add((long)offset, (long)offset + length);
            int end = kill + 1 < streamsAtKill.Count ? streamsAtKill[kill + 1] : streams.Count;
            long again = 0;
            foreach (var stream in streams.Take(end).Skip(streamsAtKill[kill]))
                foreach (var (offset, length) in stream) again += before.OverlapLength((long)offset, (long)offset + length);
            resent.Add(again);
        }
        return resent;
    }

    /// <summary>Watches the job on one agent process, keeping its first and last progress, until the process dies.</summary>
    private sealed class ProgressTracker : IDisposable
    {
        private readonly Grpc.Net.Client.GrpcChannel _channel;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<(Func<RestoreProgress, bool> Match, TaskCompletionSource<RestoreProgress> Seen)> _waiters = [];
        private RestoreProgress? _first;
        private RestoreProgress? _last;

        private ProgressTracker(Grpc.Net.Client.GrpcChannel channel) => _channel = channel;

        public RestoreProgress? First { get { lock (_waiters) return _first; } }

        public RestoreProgress? Last { get { lock (_waiters) return _last; } }

        public static ProgressTracker Start(TestPki pki, AgentProcess agent, string job)
        {
            var tracker = new ProgressTracker(pki.Channel(agent.Url, TestPki.Operator));
            _ = tracker.WatchAsync(job);
            return tracker;
        }

        /// <summary>The first progress, seen already or from now on, that <paramref name="match"/> accepts.</summary>
        public Task<RestoreProgress> WhenAsync(Func<RestoreProgress, bool> match)
        {
            lock (_waiters)
            {
                if (_last is { } last && match(last)) return Task.FromResult(last);
                var seen = new TaskCompletionSource<RestoreProgress>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((match, seen));
                return seen.Task;
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _channel.Dispose();
        }

        private async Task WatchAsync(string job)
        {
            try
            {
                using var watch = new Protocol.V1.DataAgent.DataAgentClient(_channel)
                    .WatchRestore(new WatchRestoreRequest { JobId = job }, cancellationToken: _stop.Token);
                await foreach (var progress in watch.ResponseStream.ReadAllAsync(_stop.Token))
                {
                    lock (_waiters)
                    {
                        _first ??= progress;
                        _last = progress;
                        foreach (var waiter in _waiters.Where(w => w.Match(progress)).ToList())
                        {
                            waiter.Seen.TrySetResult(progress);
                            _waiters.Remove(waiter);
                        }
                        if (progress.State is RestoreState.Completed or RestoreState.Failed or RestoreState.Cancelled
                            or RestoreState.Interrupted)
                        {
                            foreach (var waiter in _waiters)
                                waiter.Seen.TrySetException(new InvalidOperationException(
                                    $"job {job} ended ({progress.State}: {progress.Error}) before the awaited progress"));
                            _waiters.Clear();
                        }
                    }
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
            catch (RpcException)
            {
                // the agent was killed: the last progress stands
            }
        }
    }
}
