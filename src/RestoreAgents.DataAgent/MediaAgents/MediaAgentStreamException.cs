namespace RestoreAgents.DataAgent.MediaAgents;

/// <summary>The block stream from a media agent broke, or sent something a correct media agent never sends.</summary>
public sealed class MediaAgentStreamException(string message, Exception? inner = null) : Exception(message, inner);
