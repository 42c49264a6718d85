using System.Text;

namespace RestoreAgents.PseudoDisk;

/// <summary>
/// The rule for folder and file names in a pseudo-disk: one path component that means the same on Linux and
/// Windows and in a blob name: not empty, not "." or "..", no '/', '\' or NUL, at most 255 bytes of UTF-8.
/// </summary>
public static class PseudoDiskNames
{
    /// <summary>NAME_MAX on Linux, and the longest name statfs reports.</summary>
    public const int MaxNameBytes = 255;

    /// <summary>0 when the name is valid, else -ENAMETOOLONG or -EINVAL.</summary>
    public static int Check(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name is "." || name is "..") return -Errno.EINVAL;
        if (name.ContainsAny('/', '\\', '\0')) return -Errno.EINVAL;
        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes) return -Errno.ENAMETOOLONG;
        return 0;
    }

    /// <summary>Throws <see cref="InvalidDiskNameException"/> naming <paramref name="what"/> unless the name is valid.</summary>
    public static void Validate(string name, string what)
    {
        ArgumentNullException.ThrowIfNull(name);
        var result = Check(name);
        if (result == 0) return;
        var reason = result == -Errno.ENAMETOOLONG
            ? $"is longer than {MaxNameBytes} bytes of UTF-8"
            : "must be one non-empty name other than '.' and '..', without '/', '\\' or NUL";
        throw new InvalidDiskNameException(name, what, reason);
    }
}
