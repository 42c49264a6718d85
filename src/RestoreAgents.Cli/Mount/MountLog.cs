using Microsoft.Extensions.Logging;

namespace RestoreAgents.Cli.Mount;

/// <summary>
/// What a running mount tells its operator: one line per event on standard output, warnings and errors on
/// standard error. FUSE threads report too, so every line is written under one lock. As the pseudo-disk's
/// <see cref="ILogger"/> it passes on warnings and errors only: the mount prints its own progress.
/// </summary>
internal sealed class MountLog(CliEnvironment environment) : ILogger
{
    private readonly Lock _gate = new();

    public void Info(string line)
    {
        lock (_gate) environment.Output.WriteLine(line);
    }

    public void Warning(string line)
    {
        lock (_gate) environment.Error.WriteLine($"warning: {line}");
    }

    public void Error(string line)
    {
        lock (_gate) CliErrors.Write(environment.Error, line);
    }

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel)) return;
        // The exception's message only: an operator reads one line, never a stack trace.
        var line = formatter(state, exception);
        if (exception is not null) line += $": {exception.Message}";
        if (logLevel >= LogLevel.Error) Error(line);
        else Warning(line);
    }
}
