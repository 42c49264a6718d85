using System.Text.Unicode;

namespace RestoreAgents.PseudoDisk;

// Paths as the kernel gives them (UTF-8 bytes) resolved to folders and disks, under the lock.
public sealed partial class PageCacheFileSystem
{
    /// <summary>Finds what a path names: the root or a folder (file null), or a file.</summary>
    private int ResolveLocked(ReadOnlySpan<byte> path, out DiskFolder? folder, out DiskFile? file)
    {
        folder = null;
        file = null;
        Span<char> chars = stackalloc char[MaxPathChars];
        int result = Decode(path, chars, out var text);
        if (result != 0) return result;
        if (text.IsEmpty)
        {
            folder = _root;
            return 0;
        }
        int slash = text.IndexOf('/');
        var first = slash < 0 ? text : text[..slash];
        if ((result = CheckLookupName(first)) != 0) return result;
        if (slash < 0)
        {
            if (_folders.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(first, out folder)) return 0;
            return _root.Files.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(first, out file)
                ? 0
                : -Errno.ENOENT;
        }
        var second = text[(slash + 1)..];
        if ((result = CheckLookupName(second)) != 0) return result;
        if (!_folders.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(first, out folder))
            return _root.Files.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(first)
                ? -Errno.ENOTDIR
                : -Errno.ENOENT;
        return folder.Files.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(second, out file) ? 0 : -Errno.ENOENT;
    }

    /// <summary>Splits a path for creating something: the folder it goes in and its (valid) new name.</summary>
    private int ResolveParentLocked(ReadOnlySpan<byte> path, out DiskFolder parent, out string name)
    {
        parent = _root;
        name = "";
        Span<char> chars = stackalloc char[MaxPathChars];
        int result = Decode(path, chars, out var text);
        if (result != 0) return result;
        int slash = text.LastIndexOf('/');
        var last = slash < 0 ? text : text[(slash + 1)..];
        if ((result = PseudoDiskNames.Check(last)) != 0) return result;
        if (slash >= 0)
        {
            var folderName = text[..slash];
            if (folderName.Contains('/')) return -Errno.EACCES;
            if (!_folders.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(folderName, out parent!))
                return _root.Files.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(folderName)
                    ? -Errno.ENOTDIR
                    : -Errno.ENOENT;
        }
        name = last.ToString();
        return 0;
    }

    /// <summary>A name too long for the rule is ENAMETOOLONG even on lookup, as on ext4; other bad names are absent.</summary>
    private static int CheckLookupName(ReadOnlySpan<char> name)
    {
        int result = PseudoDiskNames.Check(name);
        return result == -Errno.ENAMETOOLONG ? result : result == 0 ? 0 : -Errno.ENOENT;
    }

    /// <summary>The path as text without its leading "/"; invalid UTF-8 is EINVAL.</summary>
    private static int Decode(ReadOnlySpan<byte> path, Span<char> buffer, out ReadOnlySpan<char> text)
    {
        text = default;
        if (path.IsEmpty || path[0] != (byte)'/') return -Errno.ENOENT;
        if (path.Length > buffer.Length) return -Errno.ENAMETOOLONG;
        if (Utf8.ToUtf16(path[1..], buffer, out _, out int written, replaceInvalidSequences: false)
            != System.Buffers.OperationStatus.Done)
            return -Errno.EINVAL;
        text = buffer[..written];
        return 0;
    }
}
