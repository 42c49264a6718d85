using RestoreAgents.Store;
using RestoreAgents.Testing;

namespace RestoreAgents.EndToEnd.Tests;

/// <summary>
/// A copy whose chunks read as from a slow disk, once: each chunk file becomes a FIFO, and a thread of this class
/// gives the chunk's bytes only <see cref="Delay"/> after the media agent opens it, then puts the plain file back.
/// The store reads it as it reads any file; nothing in the product is replaced.
/// </summary>
internal sealed class SlowChunkFiles : IDisposable
{
    private readonly List<(string Path, Thread Server)> _fifos = [];
    private volatile bool _stopping;

    private SlowChunkFiles(TimeSpan delay) => Delay = delay;

    /// <summary>How long each read of a chunk takes before its first byte.</summary>
    public TimeSpan Delay { get; }

    public static async Task<SlowChunkFiles> ReplaceAsync(string storePath, CopyManifest copy, TimeSpan delay)
    {
        var slow = new SlowChunkFiles(delay);
        foreach (var sha256 in copy.Blocks.Select(b => b.Sha256).Distinct())
        {
            var path = Directory.GetFiles(storePath, sha256, SearchOption.AllDirectories).Single();
            var bytes = await File.ReadAllBytesAsync(path);
            File.Delete(path);
            await ProcessRunner.RunCheckedAsync("mkfifo", "-m", "600", path);
            var server = new Thread(() => slow.Serve(path, bytes)) { IsBackground = true, Name = "slow chunk" };
            slow._fifos.Add((path, server));
            server.Start();
        }
        return slow;
    }

    private void Serve(string path, byte[] bytes)
    {
        try
        {
            using var fifo = new FileStream(path, FileMode.Open, FileAccess.Write); // waits for a reader
            if (!_stopping)
            {
                Thread.Sleep(Delay); // the slow disk itself: its latency, not a wait for some event
                fifo.Write(bytes);
            }
        }
        catch (IOException)
        {
            // The reader left before the end (a broken pipe): the test that reads it fails on its own terms; this
            // thread must not end the test host.
        }
        // The reader keeps the FIFO it opened until it has read it all; whoever opens the path next reads a file.
        var plain = path + ".plain";
        File.WriteAllBytes(plain, bytes);
        File.Move(plain, path, overwrite: true);
    }

    public void Dispose()
    {
        _stopping = true;
        foreach (var (path, server) in _fifos)
        {
            // A chunk never read: opening it wakes its server, which sees the stop and puts the plain file back.
            if (server.IsAlive) File.ReadAllBytes(path);
            server.Join();
        }
    }
}
