namespace RestoreAgents.PseudoDisk;

public enum PseudoDiskNodeKind
{
    Directory,
    File,
}
