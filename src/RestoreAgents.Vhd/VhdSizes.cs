namespace RestoreAgents.Vhd;

public static class VhdSizes
{
    public const long Megabyte = 1024 * 1024;

    /// <summary>Azure attaches a VHD only if its virtual size is a whole number of MiB.</summary>
    public static long RoundUpToMegabyte(long size) => (size + Megabyte - 1) / Megabyte * Megabyte;
}
