using RestoreAgents.Caching;
using RestoreAgents.Connections;
using RestoreAgents.DataAgent.Destinations;
using RestoreAgents.DataAgent.MediaAgents;

namespace RestoreAgents.DataAgent;

/// <summary>Settings of the data agent, bound from the "DataAgent" configuration section; <see cref="DataAgentOptionsValidator"/> checks them all at start.</summary>
public sealed class DataAgentOptions
{
    public const string Section = "DataAgent";
    public const long DefaultCacheSizeBytes = PageCacheOptions.DefaultCapacityBytes;
    public const int DefaultPageSizeBytes = PageCacheOptions.DefaultPageSize;

    /// <summary>Folder of the page cache files; each job uses a folder of its own below it.</summary>
    public string CacheDirectory { get; set; } = "";

    /// <summary>Bytes of cache a job gets unless its request says otherwise: at least one page.</summary>
    public long CacheSizeBytes { get; set; } = DefaultCacheSizeBytes;

    /// <summary>
    /// The largest cache a request may ask for. StartRestore also refuses a job when the caches of the jobs
    /// already admitted and its own would not fit in the cache folder's free space.
    /// </summary>
    public long MaxCacheSizeBytes { get; set; } = DefaultMaxCacheSizeBytes;

    public const long DefaultMaxCacheSizeBytes = 4L * 1024 * 1024 * 1024;

    /// <summary>Cloud page size a job gets unless its request says otherwise (<see cref="PageBlobRules.PageSizeRule"/>).</summary>
    public int PageSizeBytes { get; set; } = DefaultPageSizeBytes;

    /// <summary>Put Page calls in flight per job.</summary>
    public int UploadParallelism { get; set; } = 8;

    /// <summary>Jobs that run at once; more wait in the queue.</summary>
    public int MaxConcurrentJobs { get; set; } = 4;

    /// <summary>Jobs that may wait for a run slot; StartRestore beyond them is refused (ResourceExhausted).</summary>
    public int MaxQueuedJobs { get; set; } = 16;

    /// <summary>Finished jobs remembered for status and list calls.</summary>
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

    /// <summary>
    /// The media agents jobs may read from, by name (DataAgent:MediaAgents:NAME:Url): the only addresses the data
    /// agent dials. A request names one; names match without regard to case.
    /// </summary>
    public Dictionary<string, MediaAgentEndpointOptions> MediaAgents { get; set; } =
        new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The storage accounts jobs may restore into, by name (DataAgent:Destinations:NAME:...), each with its
    /// endpoint and credential. A request names one, with a container and a blob.
    /// </summary>
    public Dictionary<string, StorageDestinationOptions> Destinations { get; set; } =
        new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Retries and timeouts of the cloud calls.</summary>
    public Cloud.CloudOptions Cloud { get; set; } = new();

    /// <summary>
    /// The gRPC channels to media agents (one per address, shared by every job): connect timeout, keep-alive
    /// pings, and the largest message, a block of at most 1 MiB.
    /// </summary>
    public AgentChannelOptions MediaAgentChannels { get; set; } = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(15),
        // A media agent that died without closing its connection is found within seconds, and its stream re-opened.
        KeepAlivePingDelay = TimeSpan.FromSeconds(5),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
        MaxReceiveMessageSize = 1024 * 1024,
    };

    /// <summary>How a broken block stream is re-opened for what is missing: idle timeout, back-off, deadline.</summary>
    public MediaAgentStreamOptions MediaAgentStream { get; set; } = new();

    /// <summary>How often each job's journal records the pages now in the cloud (what a resume need not fetch again).</summary>
    public Journal.JournalOptions Journal { get; set; } = new();
}
