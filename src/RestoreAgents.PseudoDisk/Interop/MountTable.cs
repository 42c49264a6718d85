using System.Text;

namespace RestoreAgents.PseudoDisk.Interop;

/// <summary>Reads the kernel's mount table for this process (/proc/self/mountinfo, proc(5)).</summary>
internal static class MountTable
{
    public const string MountInfoPath = "/proc/self/mountinfo";

    /// <summary>The last (topmost) mount at <paramref name="mountPoint"/>, or null.</summary>
    public static MountEntry? Find(string mountPoint, string mountInfoPath = MountInfoPath)
    {
        MountEntry? found = null;
        foreach (var line in File.ReadLines(mountInfoPath))
        {
            if (Parse(line) is { } entry && entry.MountPoint == mountPoint) found = entry;
        }
        return found;
    }

    /// <summary>
    /// "36 35 98:0 /root /mnt/point rw,noatime master:1 - fstype source super-options": field 3 is the device,
    /// field 5 the mount point, the two fields after " - " are the type and the source; spaces and the like are
    /// octal escapes.
    /// </summary>
    public static MountEntry? Parse(string line)
    {
        var fields = line.Split(' ');
        int separator = Array.IndexOf(fields, "-");
        if (fields.Length < 5 || separator < 5 || separator + 2 >= fields.Length) return null;
        return new MountEntry(Unescape(fields[4]), Unescape(fields[separator + 1]), Unescape(fields[separator + 2]),
            fields[2]);
    }

    public static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var bytes = new List<byte>(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field.AsSpan(i + 1, 3)))
            {
                bytes.Add((byte)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(ReadOnlySpan<char> digits)
    {
        foreach (var digit in digits)
            if (digit is < '0' or > '7') return false;
        return true;
    }
}
