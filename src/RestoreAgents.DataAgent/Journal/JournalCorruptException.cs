namespace RestoreAgents.DataAgent.Journal;

/// <summary>A journal file that cannot be read at all: its header or its first record (the request) is damaged.</summary>
internal sealed class JournalCorruptException(string path, long offset, string problem)
    : Exception($"journal {path} is unreadable at offset {offset}: {problem}")
{
    public string JournalPath { get; } = path;
}
