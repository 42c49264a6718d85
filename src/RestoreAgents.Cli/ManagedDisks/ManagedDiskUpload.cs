using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using Azure.ResourceManager.Resources;

namespace RestoreAgents.Cli.ManagedDisks;

/// <summary>
/// Azure's direct upload around a restore: create the disk for upload (or find it waiting for one), grant write
/// access, run the restore with the SAS, and revoke access whatever happens, also when the restore fails or is
/// cancelled, so the disk never stays open for writes nor stuck in ActiveUpload.
/// </summary>
public sealed class ManagedDiskUpload(ArmClient arm, TimeProvider time, TextWriter log)
{
    private static readonly DiskState[] AcceptsWrites = [DiskState.ReadyToUpload, DiskState.ActiveUpload];

    public async Task<T> RunAsync<T>(ManagedDiskPlan plan, Func<ManagedDiskGrant, CancellationToken, Task<T>> restore,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(restore);
        if (plan.Problem() is { } problem)
            throw new ManagedDiskException(problem);

        var disk = plan.Create
            ? await CreateAsync(plan, cancellationToken).ConfigureAwait(false)
            : await ExistingAsync(plan.DiskId, cancellationToken).ConfigureAwait(false);
        var state = disk.Data.DiskState;
        if (state is null || !AcceptsWrites.Contains(state.Value))
            throw new ManagedDiskException($"managed disk {plan.DiskId} is {state?.ToString() ?? "in no state"}; an "
                + "upload needs ReadyToUpload or ActiveUpload (create the disk with createOption Upload, or use --create)");

        try
        {
            var grant = await GrantAsync(disk, plan.SasDuration, cancellationToken).ConfigureAwait(false);
            log.WriteLine($"managed disk {plan.DiskId}: {grant}");
            return await restore(grant, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Not the caller's token: a cancelled restore must still close the disk for writes.
            await RevokeAsync(disk, plan.DiskId).ConfigureAwait(false);
        }
    }

    private async Task<ManagedDiskResource> CreateAsync(ManagedDiskPlan plan, CancellationToken cancellationToken)
    {
        var creation = new DiskCreationData(DiskCreateOption.Upload) { UploadSizeBytes = plan.UploadBytes };
        if (ManagedDiskPlan.SkusWithSectorSize.Contains(plan.Sku))
            creation.LogicalSectorSize = ManagedDiskPlan.SectorSize;
        var data = new ManagedDiskData(new AzureLocation(plan.Location!))
        {
            CreationData = creation,
            Sku = new DiskSku { Name = plan.Sku },
        };
        var group = arm.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(
            plan.DiskId.SubscriptionId, plan.DiskId.ResourceGroupName));
        log.WriteLine($"creating managed disk {plan.DiskId} for upload ({plan.UploadBytes} bytes, {plan.Sku})");
        try
        {
            var created = await group.GetManagedDisks().CreateOrUpdateAsync(WaitUntil.Completed, plan.DiskId.Name, data,
                cancellationToken).ConfigureAwait(false);
            return created.Value;
        }
        catch (RequestFailedException e)
        {
            throw Failed("create", plan.DiskId, e);
        }
    }

    private async Task<ManagedDiskResource> ExistingAsync(ResourceIdentifier id, CancellationToken cancellationToken)
    {
        try
        {
            return (await arm.GetManagedDiskResource(id).GetAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e)
        {
            throw Failed("read", id, e);
        }
    }

    private async Task<ManagedDiskGrant> GrantAsync(ManagedDiskResource disk, TimeSpan duration,
        CancellationToken cancellationToken)
    {
        try
        {
            var asked = time.GetUtcNow();
            var granted = await disk.GrantAccessAsync(WaitUntil.Completed,
                new GrantAccessData(AccessLevel.Write, (int)duration.TotalSeconds), cancellationToken).ConfigureAwait(false);
            var sas = granted.Value.AccessSas ?? throw new ManagedDiskException(
                $"grant-access on managed disk {disk.Id} answered without a SAS");
            // The SAS keeps its expiry in a stored policy (si=); counted from the request, it errs early.
            return new ManagedDiskGrant(sas, asked + duration);
        }
        catch (RequestFailedException e)
        {
            throw Failed("grant write access to", disk.Id, e);
        }
    }

    private async Task RevokeAsync(ManagedDiskResource disk, ResourceIdentifier id)
    {
        try
        {
            await disk.RevokeAccessAsync(WaitUntil.Completed).ConfigureAwait(false);
            log.WriteLine($"managed disk {id}: write access revoked");
        }
        catch (RequestFailedException e)
        {
            // The restore's own outcome matters more; say what the operator must still do.
            log.WriteLine($"warning: revoking access to managed disk {id} failed ({e.Status} {e.ErrorCode}); run "
                + "'az disk revoke-access' for it");
        }
    }

    private static ManagedDiskException Failed(string what, ResourceIdentifier id, RequestFailedException e) =>
        new($"could not {what} managed disk {id}: Azure answered {e.Status} {e.ErrorCode}".TrimEnd(), e);
}
