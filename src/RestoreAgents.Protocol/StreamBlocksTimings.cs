using System.Globalization;
using Grpc.Core;

namespace RestoreAgents.Protocol.V1;

/// <summary>
/// The media agent's own timings of one StreamBlocks call, sent in its trailers (see media_agent.proto): the data
/// agent adds them to its own to say where a restore's time went.
/// </summary>
public readonly record struct StreamBlocksTimings(TimeSpan StoreRead, TimeSpan SendWait)
{
    public const string StoreReadTrailer = "restoreagents-store-read-seconds";
    public const string SendWaitTrailer = "restoreagents-send-wait-seconds";

    public void WriteTo(Metadata trailers)
    {
        ArgumentNullException.ThrowIfNull(trailers);
        trailers.Add(StoreReadTrailer, StoreRead.TotalSeconds.ToString("R", CultureInfo.InvariantCulture));
        trailers.Add(SendWaitTrailer, SendWait.TotalSeconds.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>The timings in <paramref name="trailers"/>; null when a media agent sent none (or nonsense).</summary>
    public static StreamBlocksTimings? ReadFrom(Metadata? trailers)
    {
        if (trailers is null) return null;
        return Seconds(trailers.GetValue(StoreReadTrailer)) is { } read && Seconds(trailers.GetValue(SendWaitTrailer)) is { } send
            ? new StreamBlocksTimings(read, send)
            : null;
    }

    private static TimeSpan? Seconds(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
        && double.IsFinite(seconds) && seconds is >= 0 and < 1e9
            ? TimeSpan.FromSeconds(seconds)
            : null;
}
