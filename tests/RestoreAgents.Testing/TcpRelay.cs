using System.Net;
using System.Net.Sockets;

namespace RestoreAgents.Testing;

/// <summary>
/// A relay on a loopback port that forwards every connection to a target, as a network path between two hosts
/// does, and can break that path: <see cref="CutAll"/> resets every connection it carries (new ones go through),
/// <see cref="FreezeAll"/> stops carrying bytes on them without closing (a peer that died without a word). With
/// <c>capture</c>, it also records every byte it carries, both ways: what an eavesdropper on the path would see.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Connection> _connections = [];
    private readonly MemoryStream? _captured;
    private readonly Task _accepting;

    public TcpRelay(IPEndPoint target, bool capture = false)
    {
        _target = target;
        _captured = capture ? new MemoryStream() : null;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The relay's own port: dial this instead of the target.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every byte carried so far, both directions interleaved as they came (with <c>capture</c> only).</summary>
    public byte[] Captured
    {
        get
        {
            if (_captured is null) throw new InvalidOperationException("this relay was made without capture");
            lock (_captured) return _captured.ToArray();
        }
    }

    /// <summary>Connections accepted so far, broken ones included.</summary>
    public int Accepted
    {
        get { lock (_connections) return _connections.Count; }
    }

    /// <summary>Resets (RST) every connection carried now, both ways; the relay goes on accepting new ones.</summary>
    public void CutAll()
    {
        foreach (var connection in Snapshot()) connection.Reset();
    }

    /// <summary>Stops carrying bytes on every connection carried now, leaving them open; new ones go through.</summary>
    public void FreezeAll()
    {
        foreach (var connection in Snapshot()) connection.Freeze();
    }

    private List<Connection> Snapshot()
    {
        lock (_connections) return [.. _connections];
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var server = new TcpClient();
                await server.ConnectAsync(_target, _stop.Token);
                var connection = new Connection(client, server, _captured, _stop.Token);
                lock (_connections) _connections.Add(connection);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        foreach (var connection in Snapshot()) connection.Reset();
        await Task.WhenAll(Snapshot().Select(c => c.Pumping));
        _stop.Dispose();
    }

    private sealed class Connection
    {
        private readonly TcpClient _client;
        private readonly TcpClient _server;
        private readonly MemoryStream? _captured;
        private readonly CancellationToken _stop;
        private volatile bool _frozen;

        public Connection(TcpClient client, TcpClient server, MemoryStream? captured, CancellationToken stop)
        {
            _client = client;
            _server = server;
            _captured = captured;
            _stop = stop;
            Pumping = Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
        }

        public Task Pumping { get; }

        /// <summary>From now on bytes read are dropped and nothing more is read: the sockets stay open and silent.</summary>
        public void Freeze() => _frozen = true;

        public void Reset()
        {
            foreach (var side in (TcpClient[])[_client, _server])
            {
                try
                {
                    if (side.Client is not { } socket) continue; // closed already
                    socket.LingerState = new LingerOption(true, 0); // close with RST, not FIN
                    side.Close();
                }
                catch (Exception e) when (e is ObjectDisposedException or SocketException)
                {
                }
            }
        }

        private async Task PumpAsync(TcpClient from, TcpClient to)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                int read;
                while ((read = await from.GetStream().ReadAsync(buffer, _stop)) > 0)
                {
                    if (_frozen) await Task.Delay(Timeout.Infinite, _stop);
                    if (_captured is not null)
                        lock (_captured) _captured.Write(buffer, 0, read);
                    await to.GetStream().WriteAsync(buffer.AsMemory(0, read), _stop);
                }
                to.Client?.Shutdown(SocketShutdown.Send); // null once Reset closed it
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException
                                          or InvalidOperationException or SocketException)
            {
                // reset, closed, or the relay stopped
            }
        }
    }
}
