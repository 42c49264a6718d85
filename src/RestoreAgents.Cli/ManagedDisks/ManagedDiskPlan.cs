using Azure.Core;
using Azure.ResourceManager.Compute.Models;
using RestoreAgents.Cloud.ManagedDisks;

namespace RestoreAgents.Cli.ManagedDisks;

/// <summary>
/// Which managed disk a restore fills and how: created for upload at <see cref="UploadBytes"/> (with
/// <see cref="Create"/>), or an existing one waiting for an upload; and how long its write SAS is asked for.
/// </summary>
public sealed record ManagedDiskPlan(ResourceIdentifier DiskId, bool Create, long UploadBytes, string? Location,
    DiskStorageAccountType Sku, TimeSpan SasDuration)
{
    /// <summary>The SKUs whose disks must be told their logical sector size; an uploaded VHD has 512-byte sectors.</summary>
    public static readonly IReadOnlyList<DiskStorageAccountType> SkusWithSectorSize =
        [DiskStorageAccountType.UltraSsdLrs, DiskStorageAccountType.PremiumV2Lrs];

    public const int SectorSize = 512;

    /// <summary>Null when Azure would take the plan; else what is wrong, naming the option.</summary>
    public string? Problem()
    {
        if (!string.Equals(DiskId.ResourceType.ToString(), "Microsoft.Compute/disks", StringComparison.OrdinalIgnoreCase)
            || DiskId.SubscriptionId is null || DiskId.ResourceGroupName is null)
            return $"--managed-disk '{DiskId}' is not a disk's id (/subscriptions/SUB/resourceGroups/RG/providers/"
                + "Microsoft.Compute/disks/NAME)";
        if (SasDuration <= TimeSpan.Zero || SasDuration > ManagedDiskRules.MaxSasLifetime)
            return $"--sas-duration {SasDuration} is not between 1 second and "
                + $"{ManagedDiskRules.MaxSasLifetime.TotalDays:F0} days (the longest a disk's SAS may last)";
        if (!Create) return null;
        if (string.IsNullOrWhiteSpace(Location))
            return "--create needs --location, the disk's Azure region (e.g. westeurope)";
        return ManagedDiskRules.UploadSizeProblem(UploadBytes) is { } size ? $"--disk-size: the disk's {size}" : null;
    }
}
