using Microsoft.Win32.SafeHandles;

namespace RestoreAgents.DiskImages;

/// <summary>
/// One file of an image, opened for reading: every read is checked against the file's length (so a table or block
/// that points past the end is an error naming the file and the offset) and counted.
/// </summary>
internal sealed class ImageFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private long _bytesRead;

    private ImageFile(string path, SafeFileHandle handle)
    {
        Path = path;
        _handle = handle;
        Length = RandomAccess.GetLength(handle);
    }

    public string Path { get; }

    public long Length { get; }

    public long BytesRead => _bytesRead;

    public static ImageFile Open(string path)
    {
        if (FileKind.DescribeIfNotRegular(path) is { } kind)
            throw new UnsupportedDiskImageException(path, null, $"it is {kind}, not a disk image file");
        return new ImageFile(path, File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read,
            FileOptions.Asynchronous | FileOptions.RandomAccess));
    }

    /// <summary>Reads exactly <paramref name="buffer"/>'s length at <paramref name="offset"/>; <paramref name="what"/>
    /// names the structure for the error when the file ends first.</summary>
    public async ValueTask ReadAsync(long offset, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        if (offset < 0 || offset > Length - buffer.Length)
            throw Corrupt(offset, $"{what} ({buffer.Length} bytes) runs past the end of the file ({Length} bytes)");
        var done = 0;
        while (done < buffer.Length)
        {
            var read = await RandomAccess.ReadAsync(_handle, buffer[done..], offset + done, cancellationToken)
                .ConfigureAwait(false);
            if (read == 0) throw Corrupt(offset + done, $"{what} ends early: the file shrank while it was read");
            done += read;
        }
        _bytesRead += done;
    }

    /// <summary>Reads what the file holds of the range and zero-fills the rest: qemu reads past a qcow2 file's end as
    /// zeros, and writes a last cluster only as far as its data.</summary>
    public async ValueTask ReadUpToEndAsync(long offset, Memory<byte> buffer, string what,
        CancellationToken cancellationToken)
    {
        if (offset < 0 || offset >= Length)
            throw Corrupt(offset, $"{what} starts past the end of the file ({Length} bytes)");
        var present = (int)Math.Min(buffer.Length, Length - offset);
        await ReadAsync(offset, buffer[..present], what, cancellationToken).ConfigureAwait(false);
        buffer.Span[present..].Clear();
    }

    public CorruptDiskImageException Corrupt(long? offset, string problem) => new(Path, offset, problem);

    public UnsupportedDiskImageException Unsupported(long? offset, string reason) => new(Path, offset, reason);

    public void Dispose() => _handle.Dispose();
}
