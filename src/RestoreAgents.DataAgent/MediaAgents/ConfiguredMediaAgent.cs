namespace RestoreAgents.DataAgent.MediaAgents;

/// <summary>A media agent of the configuration: the name requests and messages use, and the address only logs show.</summary>
internal sealed record ConfiguredMediaAgent(string Name, Uri Url)
{
    public override string ToString() => $"media agent '{Name}'";
}
