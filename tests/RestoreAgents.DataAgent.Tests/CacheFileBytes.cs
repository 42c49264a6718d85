using System.Runtime.InteropServices;

namespace RestoreAgents.DataAgent.Tests;

/// <summary>
/// Changes a byte of a page cache's file behind the cache's back, with libc's own calls: the cache holds the file
/// with FileShare.None, which .NET enforces among .NET openers only.
/// </summary>
internal static partial class CacheFileBytes
{
    private const int ReadWrite = 2;

    public static void FlipByte(string path, long offset)
    {
        var fd = Open(path, ReadWrite);
        if (fd < 0) throw new IOException($"cannot open the cache file {path} (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            var one = new byte[1];
            if (PRead(fd, one, 1, offset) != 1) throw new IOException($"cannot read byte {offset} of {path}");
            one[0] ^= 0xFF;
            if (PWrite(fd, one, 1, offset) != 1) throw new IOException($"cannot write byte {offset} of {path}");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static partial nint PRead(int fd, [Out] byte[] buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static partial nint PWrite(int fd, byte[] buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
