using System.Runtime.InteropServices;

namespace RestoreAgents.Bench;

/// <summary>stat(2)'s block count: the bytes a sparse file really takes on disk.</summary>
internal static partial class LibC
{
    public static long AllocatedBytes(string path)
    {
        // struct stat on x86_64 Linux: st_blocks (512-byte units) is at byte 64.
        Span<byte> stat = stackalloc byte[144];
        if (Stat(path, ref MemoryMarshal.GetReference(stat)) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == 2) throw new FileNotFoundException(path);
            throw new IOException($"stat {path} failed with errno {errno}");
        }
        return BitConverter.ToInt64(stat[64..72]) * 512;
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Stat(string path, ref byte buffer);
}
