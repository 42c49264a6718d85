using System.ComponentModel.DataAnnotations;

namespace RestoreAgents.MediaAgent;

/// <summary>Settings of the media agent, bound from the "MediaAgent" configuration section.</summary>
public sealed class MediaAgentOptions
{
    public const string Section = "MediaAgent";

    /// <summary>Folder of the secondary-copy store this agent serves.</summary>
    [Required(ErrorMessage = "MediaAgent:StorePath is required: the folder of the secondary-copy store to serve.")]
    public string StorePath { get; set; } = "";
}
