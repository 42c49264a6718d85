namespace RestoreAgents.DataAgent.MediaAgents;

/// <summary>One media agent the data agent may read copies from, bound from DataAgent:MediaAgents:NAME.</summary>
public sealed class MediaAgentEndpointOptions
{
    /// <summary>Its address, e.g. https://backup-host:5010: one of the only addresses the data agent dials.</summary>
    public string? Url { get; set; }
}
