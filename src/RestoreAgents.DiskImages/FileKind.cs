using System.Runtime.InteropServices;

namespace RestoreAgents.DiskImages;

/// <summary>Tells a regular file from a device, FIFO or folder: an image must never make the backup read a device.</summary>
internal static partial class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxSize = 256;
    private const int ModeOffset = 28;

    /// <summary>What the path is when it is not a regular file ("a block device"); null for a regular file or one that
    /// does not exist (opening it then says why).</summary>
    public static unsafe string? DescribeIfNotRegular(string path)
    {
        if (Directory.Exists(path)) return "a folder";
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0) return null;
        return (*(ushort*)(buffer + ModeOffset) & 0xF000) switch
        {
            0x8000 => null,
            0x6000 => "a block device",
            0x2000 => "a character device",
            0x1000 => "a FIFO",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
    }

    // statx(2) rather than stat(2): its struct has one layout on every Linux architecture.
    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);
}
