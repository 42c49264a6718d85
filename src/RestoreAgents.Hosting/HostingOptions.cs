namespace RestoreAgents.Hosting;

/// <summary>Settings of the host itself, bound from "Hosting".</summary>
public sealed class HostingOptions
{
    public const string Section = "Hosting";

    /// <summary>Serve gRPC server reflection (grpcurl list) to authenticated callers; off by default.</summary>
    public bool EnableReflection { get; set; }
}
