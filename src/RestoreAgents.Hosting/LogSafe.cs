using System.Buffers;
using System.Text;

namespace RestoreAgents.Hosting;

/// <summary>
/// Text from a request (a copy name, a job id, an error that quotes one) as a log line may carry it: control
/// characters become <c>\xNN</c> (line separators <c>\uNNNN</c>), so a caller can neither end the line and forge
/// the next one nor hide text from a terminal. The one place the agents make request-supplied text safe to log.
/// </summary>
public static class LogSafe
{
    private static readonly SearchValues<char> Unsafe = SearchValues.Create(
        Enumerable.Range(0, 0x20).Append(0x7F).Concat(Enumerable.Range(0x80, 0x20))
            .Append(0x2028).Append(0x2029).Select(c => (char)c).ToArray());

    /// <summary>The text with its control characters (and Unicode line separators) escaped; null as "".</summary>
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        int first = value.AsSpan().IndexOfAny(Unsafe);
        if (first < 0) return value;
        var escaped = new StringBuilder(value.Length + 16).Append(value, 0, first);
        foreach (var c in value.AsSpan(first))
        {
            if (!Unsafe.Contains(c)) escaped.Append(c);
            else if (c > 0xFF) escaped.Append(@"\u").Append(((int)c).ToString("x4"));
            else escaped.Append(@"\x").Append(((int)c).ToString("x2"));
        }
        return escaped.ToString();
    }
}
