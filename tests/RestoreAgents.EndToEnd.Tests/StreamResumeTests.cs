using System.Net;
using System.Text.RegularExpressions;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using RestoreAgents.Protocol.V1;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// The media agent's stream breaks mid-restore — its process is killed and started again, a relay on the path
/// resets the connection, or the path goes silent — and the job completes without an operator: the data agent
/// re-opens the stream for what is missing, and the blob and the counters show no gap and no byte or page twice.
/// The cloud is paced by a <see cref="CloudFaultProxy"/> so the stream is still open when it breaks.
/// </summary>
[Requires(RealPart.Azurite, RealPart.Fuse)]
[Collection(AgentsCollection.Name)]
public sealed partial class StreamResumeTests(AgentsFixture agents) : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private const int DiskSize = 24 * MiB;
    private const string Resumed = "resumed";
    private const string ThroughProxy = "through-proxy";
    private readonly RestoreDriver _driver = new(agents);
    private readonly TempDirectory _folder = new("stream-resume");
    private CloudFaultProxy _proxy = null!;
    private WebApplication? _dataAgent;

    public async Task InitializeAsync()
    {
        _proxy = await CloudFaultProxy.StartAsync(agents.Azurite.BlobEndpoint);
        // 6 MiB/s of Put Pages: the 24 MiB restore takes seconds, with a 2 MiB cache holding the stream back.
        _proxy.Pace(new BlobPacing { BytesPerSecond = 6 * MiB });
    }

    public async Task DisposeAsync()
    {
        if (_dataAgent is not null) await _dataAgent.DisposeAsync();
        await _proxy.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task MediaAgentKilledAndStartedAgain_MidStream_TheJobCompletes_ResumingOnlyWhatWasMissing()
    {
        var image = await BackUpAsync("resume-killed");
        await using var first = await AgentProcess.StartAsync("RestoreAgents.MediaAgent", agents.Pki,
            $"--MediaAgent:StorePath={agents.StorePath}");
        var dataAgent = await StartDataAgentAsync(first.Url);
        AgentProcess? second = null;
        try
        {
            var result = await RestoreBreakingAsync(dataAgent, "resume-killed", async () =>
            {
                first.Kill();
                Assert.True(await first.ExitedWithinAsync(TimeSpan.FromSeconds(30)), "the media agent outlived SIGKILL");
                second = await AgentProcess.StartAtAsync(first.Url, "RestoreAgents.MediaAgent", agents.Pki,
                    $"--MediaAgent:StorePath={agents.StorePath}");
            });

            await AssertWholeOnceAsync(result, "resume-killed", image);
            // The media agent started again sent only what had not arrived before it was killed.
            var streamed = StreamedBytes().Matches(second!.Output).Select(m => long.Parse(m.Groups[1].Value)).ToList();
            var resumed = Assert.Single(streamed);
            Assert.InRange(resumed, 1, DiskSize - 4 * MiB);
        }
        finally
        {
            if (second is not null) await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task ConnectionResetByARelay_MidStream_TheJobCompletes_OverANewConnection()
    {
        var image = await BackUpAsync("resume-reset");
        await using var relay = new TcpRelay(new IPEndPoint(IPAddress.Loopback, agents.MediaAgentUrl.Port));
        var dataAgent = await StartDataAgentAsync(RelayUrl(relay));

        var result = await RestoreBreakingAsync(dataAgent, "resume-reset", () =>
        {
            relay.CutAll();
            return Task.CompletedTask;
        });

        await AssertWholeOnceAsync(result, "resume-reset", image);
        Assert.True(relay.Accepted >= 2, "the data agent never connected again");
    }

    [Fact]
    public async Task PathGoneSilent_MidStream_KeepAlivePingsFindTheDeadConnection_AndTheJobCompletes()
    {
        var image = await BackUpAsync("resume-silent");
        await using var relay = new TcpRelay(new IPEndPoint(IPAddress.Loopback, agents.MediaAgentUrl.Port));
        // Pings every second, one second to answer; the idle timeout far beyond the hang guard: only a ping can tell.
        var dataAgent = await StartDataAgentAsync(RelayUrl(relay),
            "--DataAgent:MediaAgentChannels:KeepAlivePingDelay=00:00:01",
            "--DataAgent:MediaAgentChannels:KeepAlivePingTimeout=00:00:01",
            "--DataAgent:MediaAgentStream:IdleTimeout=01:00:00");

        var result = await RestoreBreakingAsync(dataAgent, "resume-silent", () =>
        {
            relay.FreezeAll();
            return Task.CompletedTask;
        });

        await AssertWholeOnceAsync(result, "resume-silent", image);
    }

    [Fact]
    public async Task MediaAgentGoneQuietMidStream_TheIdleTimeoutReopensIt_AskingOnlyForTheRest()
    {
        const string name = "resume-quiet";
        await using var media = await ScriptedMediaAgent.StartAsync(agents.Pki);
        var disk = TestBytes.NonZero(4 * MiB, seed: 5);
        media.ServeGoingSilent(name, disk, blocksBeforeSilence: 16);     // 1 MiB, then nothing, the agent up
        var dataAgent = await StartDataAgentAsync(media.Url, "--DataAgent:MediaAgentStream:IdleTimeout=00:00:01");

        using var channel = agents.Pki.Channel(dataAgent, TestPki.Operator);
        var client = new Protocol.V1.DataAgent.DataAgentClient(channel);
        var job = await client.StartRestoreAsync(_driver.Request(name, $"{name}.vhd", pageSize: MiB, cacheSize: 2 * MiB,
            mediaAgent: Resumed, destination: ThroughProxy));
        var result = await HangGuard.Within(RestoreDriver.WatchAsync(client, job.JobId), $"restore {job.JobId}");

        Assert.True(result.State == RestoreState.Completed, result.Error);
        Assert.True(result.Verified);
        Assert.Equal(1u, result.StreamReconnects);
        var asked = media.RangesAsked(name);
        Assert.Equal(2, asked.Count);
        Assert.Empty(asked[0]);
        Assert.Equal([((ulong)MiB, 3ul * MiB)], asked[1].Select(r => (r.Offset, r.Length)));
        Assert.Equal(disk, (await File.ReadAllBytesAsync(await _driver.DownloadAsync($"{name}.vhd")))[..disk.Length]);
    }

    private static Uri RelayUrl(TcpRelay relay) => new($"https://127.0.0.1:{relay.Port}");

    /// <summary>
    /// A data agent that knows <paramref name="mediaAgent"/> as media agent "resumed" and Azurite's account behind the
    /// pacing proxy as destination "through-proxy", re-opening a broken stream after 0.2 s to 1 s.
    /// </summary>
    private async Task<Uri> StartDataAgentAsync(Uri mediaAgent, params string[] settings)
    {
        _dataAgent = await agents.StartDataAgentAsync(_folder.Combine("cache"),
            [$"--DataAgent:MountPath={_folder.Combine("mount")}", "--DataAgent:MediaAgentStream:ReconnectDelay=00:00:00.2",
                "--DataAgent:MediaAgentStream:MaxReconnectDelay=00:00:01", $"--DataAgent:MediaAgents:{Resumed}:Url={mediaAgent}",
                .. agents.AzuriteAt(ThroughProxy, _proxy.BlobEndpoint),
                .. settings]);
        return new Uri(_dataAgent.Urls.Single());
    }

    private Task<string> BackUpAsync(string name) => _driver.BackUpNonZeroAsync(name, DiskSize);

    /// <summary>Starts the restore, breaks the stream once 4 MiB have arrived, and watches the job to its end.</summary>
    private async Task<RestoreProgress> RestoreBreakingAsync(Uri dataAgent, string name, Func<Task> breakStream)
    {
        using var channel = agents.Pki.Channel(dataAgent, TestPki.Operator);
        var client = new Protocol.V1.DataAgent.DataAgentClient(channel);
        var request = _driver.Request(name, $"{name}.vhd", pageSize: MiB, cacheSize: 2 * MiB, mediaAgent: Resumed,
            destination: ThroughProxy);
        var job = (await client.StartRestoreAsync(request)).JobId;
        using var watch = client.WatchRestore(new WatchRestoreRequest { JobId = job });
        var broken = false;
        RestoreProgress? last = null;
        await HangGuard.Within(Task.Run(async () =>
        {
            await foreach (var progress in watch.ResponseStream.ReadAllAsync())
            {
                last = progress;
                if (broken || progress.State != RestoreState.Running || progress.BytesRestored < 4 * MiB) continue;
                Assert.True(progress.BytesRestored < DiskSize, "the stream ended before it could be broken");
                await breakStream();
                broken = true;
            }
        }), $"restore {job} to end after its stream broke");
        Assert.True(broken, $"the job ended ({last?.State}: {last?.Error}) before its stream could be broken");
        return last!;
    }

    /// <summary>Complete and verified; every byte and page counted once; the blob is the image, each page put once.</summary>
    private async Task AssertWholeOnceAsync(RestoreProgress result, string name, string image)
    {
        Assert.True(result.State == RestoreState.Completed, result.Error);
        Assert.True(result.Verified);
        Assert.True(result.StreamReconnects >= 1, "the job never re-opened its stream");
        Assert.Equal(result.BytesToRestore, result.BytesRestored);
        Assert.Equal((ulong)(DiskSize / MiB), result.PagesUploaded);
        var puts = _proxy.Requests.Where(r => r.Kind == CloudRequestKind.PutPage && r.Blob == $"{name}.vhd" && r.Succeeded)
            .ToList();
        Assert.All(puts.GroupBy(p => p.Offset), page => Assert.Single(page));
        Assert.Equal(DiskSize / MiB + 1, puts.Count);   // every page, and the footer
        Assert.Equal(await File.ReadAllBytesAsync(image),
            (await File.ReadAllBytesAsync(await _driver.DownloadAsync($"{name}.vhd")))[..DiskSize]);
    }

    [GeneratedRegex(@"Streamed (\d+) bytes of copy resume-killed")]
    private static partial Regex StreamedBytes();
}
