namespace RestoreAgents.DataAgent.MediaAgents;

/// <summary>The block stream from a media agent broke, or sent something a correct media agent never sends.</summary>
/// <param name="resumable">The stream broke on the way (connection, restart, silence): re-opening it may help.</param>
public sealed class MediaAgentStreamException(string message, Exception? inner = null, bool resumable = false)
    : Exception(message, inner)
{
    /// <summary>True when the stream broke on the way and can be re-opened for what is missing; false when the
    /// media agent sent something wrong or refused, which another try would not change.</summary>
    public bool Resumable { get; } = resumable;
}
