namespace RestoreAgents.Caching;

/// <summary>
/// Where the page cache puts pages: one Azure page blob in production; a local file in tests and in the
/// two-phase benchmark. Offsets and lengths are multiples of 512 bytes, as Azure's Put Page requires.
/// </summary>
public interface IPageBlob
{
    /// <summary>Size of the blob in bytes: a multiple of 512.</summary>
    long Size { get; }

    /// <summary>A name for errors and traces, e.g. the blob's URL without its query string.</summary>
    string Name { get; }

    /// <summary>Writes whole 512-byte sectors at a 512-aligned offset; at most 4 MiB in one call.</summary>
    ValueTask WritePagesAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Reads back bytes written earlier; never-written bytes read as zeros.</summary>
    ValueTask ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>
    /// The same as <see cref="ReadAsync"/>, synchronous all the way down (a FUSE thread reads through it and must
    /// not block on asynchronous I/O). It takes <see cref="Memory{T}"/> so that one body can serve both.
    /// </summary>
    void Read(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>Returns a 512-aligned range to zeros (a page that held data and became all zeros).</summary>
    ValueTask ClearPagesAsync(long offset, long length, CancellationToken cancellationToken = default);
}
