namespace RestoreAgents.Cloud;

/// <summary>A blob found in a container (see <see cref="PageBlobContainer.ListBlobsAsync"/>).</summary>
/// <param name="Type">"page", "block" or "append": only page blobs hold disks.</param>
/// <param name="Size">The blob's length in bytes (a multiple of 512 for a page blob).</param>
public sealed record ContainerBlob(string Name, string Type, long Size)
{
    public bool IsPageBlob => Type == "page";
}
