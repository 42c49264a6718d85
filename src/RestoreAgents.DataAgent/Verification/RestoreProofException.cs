namespace RestoreAgents.DataAgent.Verification;

/// <summary>The blob cannot be proved equal to the copy: a page's bytes, a missing or an extra page.</summary>
internal sealed class RestoreProofException(string message) : Exception($"the restore's proof failed: {message}");
