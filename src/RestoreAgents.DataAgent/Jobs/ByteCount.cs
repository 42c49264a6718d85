using System.Globalization;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>Byte counts as an operator reads them in a refusal: "512 MiB", "1.5 GiB", "3 TiB".</summary>
internal static class ByteCount
{
    private static readonly string[] Units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];

    public static string Format(long bytes)
    {
        double value = bytes;
        int unit = 0;
        while (Math.Abs(value) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0
            ? $"{bytes} bytes"
            : $"{value.ToString(value % 1 == 0 ? "0" : "0.#", CultureInfo.InvariantCulture)} {Units[unit]}";
    }
}
