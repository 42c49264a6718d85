using System.Buffers;
using System.Buffers.Binary;

namespace RestoreAgents.DiskImages;

/// <summary>
/// A table of fixed-size entries in an image file (a BAT, an L1 or L2 table, a grain directory), read one window
/// at a time: a header that claims a table of gigabytes costs one window of memory, and the table must lie inside
/// the file or opening it fails naming where it starts.
/// </summary>
internal sealed class ImageTable : IDisposable
{
    private readonly ImageFile _file;
    private readonly int _entrySize;
    private readonly bool _bigEndian;
    private readonly string _name;
    private byte[]? _window;
    private long _windowStart = -1;
    private int _windowLength;

    public ImageTable(ImageFile file, long offset, long count, int entrySize, bool bigEndian, string name)
    {
        _file = file;
        _entrySize = entrySize;
        _bigEndian = bigEndian;
        _name = name;
        Offset = offset;
        Count = count;
        if (offset < 0 || count < 0 || count > (file.Length - Math.Max(offset, 0)) / entrySize)
            throw file.Corrupt(offset,
                $"the {name} of {count} entries of {entrySize} bytes runs past the end of the file ({file.Length} bytes)");
    }

    public long Offset { get; }

    public long Count { get; }

    /// <summary>Where entry <paramref name="index"/> is in the file, for error messages.</summary>
    public long EntryOffset(long index) => Offset + index * _entrySize;

    public async ValueTask<ulong> GetAsync(long index, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var at = index * _entrySize;
        if (at < _windowStart || at + _entrySize > _windowStart + _windowLength)
            await LoadWindowAsync(at, cancellationToken).ConfigureAwait(false);
        var entry = _window.AsSpan((int)(at - _windowStart), _entrySize);
        return (_entrySize, _bigEndian) switch
        {
            (4, true) => BinaryPrimitives.ReadUInt32BigEndian(entry),
            (4, false) => BinaryPrimitives.ReadUInt32LittleEndian(entry),
            (8, true) => BinaryPrimitives.ReadUInt64BigEndian(entry),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(entry),
        };
    }

    private async ValueTask LoadWindowAsync(long at, CancellationToken cancellationToken)
    {
        _window ??= ArrayPool<byte>.Shared.Rent(DiskImageLimits.TableWindowBytes);
        var start = at - at % DiskImageLimits.TableWindowBytes;
        var length = (int)Math.Min(DiskImageLimits.TableWindowBytes, Count * _entrySize - start);
        _windowStart = -1;
        await _file.ReadAsync(Offset + start, _window.AsMemory(0, length), $"the {_name}", cancellationToken)
            .ConfigureAwait(false);
        _windowStart = start;
        _windowLength = length;
    }

    public void Dispose()
    {
        if (_window is not null) ArrayPool<byte>.Shared.Return(_window);
        _window = null;
    }
}
