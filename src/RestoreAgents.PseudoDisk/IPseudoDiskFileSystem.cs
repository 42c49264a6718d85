namespace RestoreAgents.PseudoDisk;

/// <summary>
/// The file system a pseudo-disk driver serves, as the driver sees it: FUSE on Linux calls it from its worker
/// threads, and a Dokan host on Windows could call the same methods (DOKAN.md maps them).
/// </summary>
/// <remarks>
/// Paths are UTF-8, rooted at "/", with "/" between names; a path is empty when the driver gives only a handle.
/// A handle is what <see cref="Open"/> or <see cref="Create"/> returned (0: none). Every method answers 0, or a
/// byte count for <see cref="Read"/> and <see cref="Write"/>, on success and a negated <see cref="Errno"/> value on
/// failure; an implementation never lets an exception escape, because the caller is native code. Methods are
/// called concurrently and may block (a full page cache blocks a writer until a slot is free).
/// </remarks>
public interface IPseudoDiskFileSystem
{
    int GetAttributes(ReadOnlySpan<byte> path, ulong handle, out PseudoDiskNode node);

    /// <summary>Adds the entries of a folder (without "." and "..") to <paramref name="entries"/>.</summary>
    int ReadDirectory(ReadOnlySpan<byte> path, List<PseudoDiskDirectoryEntry> entries);

    int Open(ReadOnlySpan<byte> path, PseudoDiskOpenMode mode, out ulong handle);

    /// <summary>Creates a new, empty file and opens it for writing.</summary>
    int Create(ReadOnlySpan<byte> path, out ulong handle);

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; returns the count (0 at the end).</summary>
    int Read(ReadOnlySpan<byte> path, ulong handle, long offset, Span<byte> buffer);

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/>; returns the count written.</summary>
    int Write(ReadOnlySpan<byte> path, ulong handle, long offset, ReadOnlySpan<byte> data);

    /// <summary>Sets a file's length (truncate, ftruncate, or SetEndOfFile on Windows).</summary>
    int Truncate(ReadOnlySpan<byte> path, ulong handle, long length);

    /// <summary>A descriptor of the handle is being closed (close(2) on Linux, Cleanup on Windows).</summary>
    int Flush(ReadOnlySpan<byte> path, ulong handle);

    /// <summary>fsync/fdatasync (FlushFileBuffers on Windows): everything written so far must reach the store.</summary>
    int Sync(ReadOnlySpan<byte> path, ulong handle);

    /// <summary>The last reference to the handle is gone; the handle is invalid afterwards.</summary>
    int Release(ReadOnlySpan<byte> path, ulong handle);

    int Unlink(ReadOnlySpan<byte> path);

    int CreateDirectory(ReadOnlySpan<byte> path);

    int RemoveDirectory(ReadOnlySpan<byte> path);

    /// <summary>Sets a file's times; null leaves a time as it is.</summary>
    int SetTimes(ReadOnlySpan<byte> path, ulong handle, DateTimeOffset? lastAccess, DateTimeOffset? lastWrite);

    int GetVolumeInfo(out PseudoDiskVolumeInfo volume);
}
