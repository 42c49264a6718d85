using System.Net;
using System.Net.Sockets;

namespace RestoreAgents.Testing;

/// <summary>
/// A relay on a loopback port that forwards every connection to <c>target</c> and records every byte it carries,
/// both ways: what an eavesdropper on the wire between two components would see.
/// </summary>
public sealed class TcpTap : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly MemoryStream _captured = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _relays = [];
    private readonly Task _accepting;

    public TcpTap(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The tap's own port: dial this instead of the target.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every byte carried so far, both directions interleaved as they came.</summary>
    public byte[] Captured
    {
        get { lock (_captured) return _captured.ToArray(); }
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
                lock (_relays)
                {
                    _relays.Add(PumpAsync(client, server));
                    _relays.Add(PumpAsync(server, client));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.GetStream().ReadAsync(buffer, _stop.Token)) > 0)
            {
                lock (_captured) _captured.Write(buffer, 0, read);
                await to.GetStream().WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException
                                      or InvalidOperationException or SocketException)
        {
        }
        finally
        {
            // One side closed: close both, as a plain TCP path would.
            from.Close();
            to.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] relays;
        lock (_relays) relays = [.. _relays];
        await Task.WhenAll(relays);
        _stop.Dispose();
    }
}
