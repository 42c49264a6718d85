using System.Net.Sockets;

namespace RestoreAgents.Connections;

/// <summary>Why a connection failed, in the words of ping and curl ("connection refused", "unknown host") rather
/// than of the HTTP or gRPC stack ("Error connecting to subchannel").</summary>
public static class NetworkProblem
{
    /// <summary>The first cause in <paramref name="failure"/>'s chain a person can act on, or null when none is.</summary>
    public static string? Of(Exception? failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException socket:
                    return socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => "connection refused",
                        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "unknown host",
                        SocketError.TimedOut => "timed out",
                        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "no route to the host",
                        SocketError.ConnectionReset or SocketError.ConnectionAborted => "connection reset",
                        _ => socket.Message.ToLowerInvariant(),
                    };
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }:
                    return "unknown host";
                case TimeoutException or TaskCanceledException:
                    return "timed out";
            }
        }
        return null;
    }
}
