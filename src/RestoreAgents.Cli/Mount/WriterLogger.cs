using Microsoft.Extensions.Logging;

namespace RestoreAgents.Cli.Mount;

/// <summary>
/// The pseudo-disk's log as lines on restorectl's output: why a file operation failed (a blob that exists, a
/// cloud that refused) shows there, since the tool writing into the mount only sees an errno.
/// </summary>
internal sealed class WriterLogger(TextWriter writer) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        var prefix = logLevel >= LogLevel.Error ? "error: " : logLevel == LogLevel.Warning ? "warning: " : "";
        var cause = exception is null ? "" : $": {exception.Message}";
        writer.WriteLine($"{prefix}{formatter(state, exception)}{cause}");
    }
}
