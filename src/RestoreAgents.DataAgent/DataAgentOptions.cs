using System.ComponentModel.DataAnnotations;

namespace RestoreAgents.DataAgent;

/// <summary>Settings of the data agent, bound from the "DataAgent" configuration section.</summary>
public sealed class DataAgentOptions
{
    public const string Section = "DataAgent";
    public const long DefaultCacheSizeBytes = 256L * 1024 * 1024;
    public const int DefaultPageSizeBytes = 4 * 1024 * 1024;

    /// <summary>Folder of the page cache files; each job uses a folder of its own below it.</summary>
    [Required(ErrorMessage = "DataAgent:CacheDirectory is required: a local folder for the page cache.")]
    public string CacheDirectory { get; set; } = "";

    /// <summary>Bytes of cache a job gets unless its request says otherwise.</summary>
    [Range(512, long.MaxValue, ErrorMessage = "DataAgent:CacheSizeBytes must be at least one page.")]
    public long CacheSizeBytes { get; set; } = DefaultCacheSizeBytes;

    /// <summary>Cloud page size a job gets unless its request says otherwise (a multiple of 512, at most 4 MiB).</summary>
    [Range(512, DefaultPageSizeBytes, ErrorMessage = "DataAgent:PageSizeBytes must be between 512 and 4194304.")]
    public int PageSizeBytes { get; set; } = DefaultPageSizeBytes;

    /// <summary>Put Page calls in flight per job.</summary>
    [Range(1, 64)]
    public int UploadParallelism { get; set; } = 8;

    /// <summary>Jobs that run at once; more wait in the queue.</summary>
    [Range(1, 64)]
    public int MaxConcurrentJobs { get; set; } = 4;

    /// <summary>Finished jobs remembered for status and list calls.</summary>
    [Range(1, 100_000)]
    public int FinishedJobsKept { get; set; } = 200;

    /// <summary>How long StartRestore waits for the media agent to describe the copy before it gives up.</summary>
    public TimeSpan MediaAgentTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How restored blocks reach the page cache: <c>fuse</c> (default) writes them into a file of the FUSE
    /// pseudo-disk mounted at <see cref="MountPath"/>, as any tool would; <c>direct</c> skips the kernel, for hosts
    /// without /dev/fuse.
    /// </summary>
    public PseudoDiskMode PseudoDisk { get; set; } = PseudoDiskMode.Fuse;

    /// <summary>Where the pseudo-disk is mounted in fuse mode; each job's disk is <c>MountPath/JOB/COPY.vhd</c>.</summary>
    public string MountPath { get; set; } = DefaultMountPath;

    public const string DefaultMountPath = "/run/restoreagents/disks";

    /// <summary>Retries and timeouts of the cloud calls.</summary>
    public Cloud.CloudOptions Cloud { get; set; } = new();
}
