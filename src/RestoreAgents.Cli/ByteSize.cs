using System.Globalization;

namespace RestoreAgents.Cli;

/// <summary>
/// Byte counts as people type them: <c>512</c>, <c>4MiB</c>, <c>1.5 GiB</c>. Binary units (KiB, MiB, GiB, TiB and
/// the short K, M, G, T, as qemu-img and dd read them) and decimal ones (KB, MB, GB, TB); case is ignored.
/// </summary>
public static class ByteSize
{
    private static readonly (string Unit, long Factor)[] Units =
    [
        ("kib", 1L << 10), ("mib", 1L << 20), ("gib", 1L << 30), ("tib", 1L << 40),
        ("kb", 1_000L), ("mb", 1_000_000L), ("gb", 1_000_000_000L), ("tb", 1_000_000_000_000L),
        ("k", 1L << 10), ("m", 1L << 20), ("g", 1L << 30), ("t", 1L << 40),
        ("b", 1L), ("", 1L),
    ];

    /// <summary>Parses a size; on failure <paramref name="problem"/> says what is wrong with the text.</summary>
    public static bool TryParse(string? text, out long bytes, out string problem)
    {
        bytes = 0;
        var trimmed = (text ?? "").Trim();
        if (trimmed.Length == 0)
        {
            problem = "a size is required (e.g. 4MiB, 256MiB, 512, 1GiB)";
            return false;
        }

        int numberEnd = 0;
        while (numberEnd < trimmed.Length && (char.IsAsciiDigit(trimmed[numberEnd]) || trimmed[numberEnd] == '.'))
            numberEnd++;
        var unit = trimmed[numberEnd..].Trim().ToLowerInvariant();
        var factor = Array.Find(Units, u => u.Unit == unit).Factor;

        var digits = trimmed[..numberEnd];
        bool isNumber = digits.Count(c => c == '.') <= 1 && digits.Any(char.IsAsciiDigit);
        if (!isNumber || factor == 0)
        {
            problem = $"'{text}' is not a size (expected a number with an optional unit: 512, 4MiB, 256MiB, 1GiB)";
            return false;
        }
        // Digits a decimal cannot hold are far beyond any disk.
        if (!decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            problem = $"'{text}' is too large";
            return false;
        }

        decimal exact;
        try
        {
            exact = number * factor;
        }
        catch (OverflowException)
        {
            exact = decimal.MaxValue;
        }
        if (exact > long.MaxValue)
        {
            problem = $"'{text}' is too large";
            return false;
        }
        if (exact != decimal.Truncate(exact))
        {
            problem = $"'{text}' is not a whole number of bytes";
            return false;
        }

        bytes = (long)exact;
        problem = "";
        return true;
    }

    /// <summary>Parses a size or throws a <see cref="FormatException"/> that says what is wrong.</summary>
    public static long Parse(string text) =>
        TryParse(text, out var bytes, out var problem) ? bytes : throw new FormatException(problem);

    /// <summary>A size for people: <c>512 B</c>, <c>4.0 MiB</c>, <c>1.5 GiB</c>.</summary>
    public static string Format(long bytes)
    {
        if (Math.Abs(bytes) < 1024) return $"{bytes.ToString(CultureInfo.InvariantCulture)} B";
        string[] units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        double value = bytes;
        int unit = -1;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return $"{value.ToString("0.0", CultureInfo.InvariantCulture)} {units[unit]}";
    }

    /// <summary><see cref="Format(long)"/> for the unsigned counters of the protocol.</summary>
    public static string Format(ulong bytes) => Format(bytes > long.MaxValue ? long.MaxValue : (long)bytes);
}
