using System.Buffers;

namespace RestoreAgents.DiskImages;

/// <summary>
/// The sector bitmap of one block of a differencing VHD or VHDX: a set bit means the sector is in this file, a clear
/// one that it comes from the parent. Holds one block's bitmap at a time, read when the block changes.
/// </summary>
internal sealed class SectorBitmap(int bytes, bool mostSignificantBitFirst) : IDisposable
{
    private byte[]? _bits;
    private long _block = -1;

    public bool Holds(long block) => _block == block;

    public async ValueTask LoadAsync(ImageFile file, long block, long offset, CancellationToken cancellationToken)
    {
        if (_block == block) return;
        _bits ??= ArrayPool<byte>.Shared.Rent(bytes);
        _block = -1;
        await file.ReadAsync(offset, _bits.AsMemory(0, bytes), $"the sector bitmap of block {block}", cancellationToken)
            .ConfigureAwait(false);
        _block = block;
    }

    /// <summary>The run from <paramref name="within"/>, at most <paramref name="length"/> bytes, whose sectors are
    /// all in this file or all in the parent.</summary>
    public (bool InThisFile, long Length) Run(long within, long length, int sectorSize)
    {
        var (state, run) = UnitRuns.Measure(within, length, sectorSize, this, static (bitmap, sector) => bitmap.Bit(sector));
        return (state == 1, run);
    }

    private int Bit(long sector)
    {
        var mask = mostSignificantBitFirst ? 0x80 >> (int)(sector & 7) : 1 << (int)(sector & 7);
        return (_bits![sector >> 3] & mask) != 0 ? 1 : 0;
    }

    public void Dispose()
    {
        if (_bits is not null) ArrayPool<byte>.Shared.Return(_bits);
        _bits = null;
    }
}
