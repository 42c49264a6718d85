using RestoreAgents.Caching;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.MediaAgents;

/// <summary>
/// The byte ranges of a copy that have arrived from the media agent and were handed to the disk, over every
/// connection of one job: what a re-opened stream need not ask for again. Thread-safe.
/// </summary>
internal sealed class ReceivedRanges(ulong diskSize)
{
    private readonly Lock _gate = new();
    private readonly RangeSet _received = new();
    private long _bytes;

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>True when any byte of the range has arrived before.</summary>
    public bool Overlaps(ulong offset, int length)
    {
        lock (_gate) return _received.OverlapLength((long)offset, (long)offset + length) > 0;
    }

    /// <summary>True when nothing arrived and nothing was kept: a stream asks for the whole copy.</summary>
    public bool IsEmpty
    {
        get { lock (_gate) return _received.Count == 0; }
    }

    /// <summary>
    /// Counts a range as there already (a resumed job's blob holds it) without counting its bytes as received:
    /// the stream does not ask for it again.
    /// </summary>
    public void Keep(long offset, long length)
    {
        lock (_gate) _received.Add(offset, offset + length);
    }

    public void Add(ulong offset, int length)
    {
        lock (_gate) _received.Add((long)offset, (long)offset + length);
        Interlocked.Add(ref _bytes, length);
    }

    /// <summary>
    /// What a re-opened stream asks for: the disk minus what arrived, ascending and disjoint. The media agent sends
    /// only allocated blocks, so the unallocated gaps need not be cut out (that keeps the list short).
    /// </summary>
    public IReadOnlyList<Extent> Missing()
    {
        var missing = new List<Extent>();
        lock (_gate)
        {
            ulong position = 0;
            for (var i = 0; i < _received.Count; i++)
            {
                var range = _received[i];
                if ((ulong)range.Start > position)
                    missing.Add(new Extent { Offset = position, Length = (ulong)range.Start - position });
                position = (ulong)range.End;
            }
            if (position < diskSize) missing.Add(new Extent { Offset = position, Length = diskSize - position });
        }
        return missing;
    }
}
