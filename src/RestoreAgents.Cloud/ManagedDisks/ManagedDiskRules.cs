using RestoreAgents.Caching;

namespace RestoreAgents.Cloud.ManagedDisks;

/// <summary>
/// Azure's rules for a managed disk filled by direct upload: its size (a whole number of MiB plus the 512-byte VHD
/// footer, 20 MiB to 32 TiB), the rate an upload runs at (the disk's Standard HDD-equivalent throughput), and how
/// long its write SAS may last (at most 60 days).
/// </summary>
public static class ManagedDiskRules
{
    private const long MiB = 1024 * 1024;
    private const long TiB = 1024 * 1024 * MiB;

    public const int FooterBytes = 512;

    /// <summary>The smallest uploadSizeBytes Azure takes: 20 MiB and the footer.</summary>
    public const long MinUploadBytes = 20 * MiB + FooterBytes;

    /// <summary>The largest uploadSizeBytes Azure takes: 32 TiB and the footer.</summary>
    public const long MaxUploadBytes = 32 * TiB + FooterBytes;

    /// <summary>A disk or snapshot SAS lasts at most this long.</summary>
    public static readonly TimeSpan MaxSasLifetime = TimeSpan.FromDays(60);

    /// <summary>The blob of a restored disk: the disk rounded up to a whole MiB, then the footer.</summary>
    public static long UploadBytesFor(long diskSize) =>
        PageBlobRules.RoundUpToVhdAlignment(diskSize) + FooterBytes;

    /// <summary>Why Azure would refuse a disk for upload of this many bytes; null when it would take it.</summary>
    public static string? UploadSizeProblem(long uploadBytes)
    {
        if ((uploadBytes - FooterBytes) % MiB != 0)
            return $"{uploadBytes} bytes is not a whole number of MiB plus the {FooterBytes}-byte VHD footer";
        if (uploadBytes < MinUploadBytes)
            return $"{uploadBytes} bytes is below Azure's smallest disk for upload, {MinUploadBytes} (20 MiB + 512)";
        if (uploadBytes > MaxUploadBytes)
            return $"{uploadBytes} bytes is above Azure's largest disk for upload, {MaxUploadBytes} (32 TiB + 512)";
        return null;
    }

    /// <summary>
    /// Bytes per second an upload into a disk of <paramref name="uploadBytes"/> runs at: 60 MiB/s up to 4 TiB,
    /// 300 MiB/s up to 8 TiB, 500 MiB/s beyond (the Standard HDD tiers S50, S60, S70/S80).
    /// </summary>
    public static long UploadBytesPerSecond(long uploadBytes) => (uploadBytes - FooterBytes) switch
    {
        <= 4 * TiB => 60 * MiB,
        <= 8 * TiB => 300 * MiB,
        _ => 500 * MiB,
    };

    /// <summary>How long writing <paramref name="bytesToWrite"/> (the data, not the zeros) should take at the rate.</summary>
    public static TimeSpan PredictedUpload(long bytesToWrite, long uploadBytes) =>
        TimeSpan.FromSeconds((double)Math.Max(0, bytesToWrite) / UploadBytesPerSecond(uploadBytes));

    /// <summary>
    /// How long a SAS must still be valid for an upload predicted to take <paramref name="predicted"/>: that, plus a
    /// quarter of it and at least 15 minutes of margin (setup, the footer, a read-back, retries).
    /// </summary>
    public static TimeSpan RequiredSasLifetime(TimeSpan predicted) =>
        predicted + TimeSpan.FromTicks(Math.Max(predicted.Ticks / 4, TimeSpan.FromMinutes(15).Ticks));
}
