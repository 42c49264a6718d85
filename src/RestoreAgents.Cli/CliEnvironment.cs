using Azure.Identity;
using Azure.ResourceManager;
using Spectre.Console;

namespace RestoreAgents.Cli;

/// <summary>
/// Everything restorectl touches outside its arguments: where it writes, the environment variables it reads and
/// the clock. The process uses <see cref="FromProcess"/>; tests build one over string writers.
/// </summary>
public sealed class CliEnvironment
{
    public CliEnvironment(TextWriter output, TextWriter error, bool interactive,
        Func<string, string?> variables, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(variables);
        Output = output;
        Error = error;
        Variables = variables;
        TimeProvider = timeProvider ?? TimeProvider.System;
        bool noColor = !string.IsNullOrEmpty(variables("NO_COLOR"));
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = noColor || !interactive ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        // Without a terminal Spectre assumes 80 columns; tables in logs read better unwrapped.
        if (!interactive) Console.Profile.Width = 200;
    }

    /// <summary>Standard output as Spectre.Console sees it: tables, progress bars, markup.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Standard output as plain text (help, job ids).</summary>
    public TextWriter Output { get; }

    /// <summary>Standard error: one line per error, never a stack trace.</summary>
    public TextWriter Error { get; }

    public Func<string, string?> Variables { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// Azure Resource Manager as restore --managed-disk reaches it: by default with DefaultAzureCredential
    /// (environment, workload identity, managed identity, then developer logins). Made only when first needed.
    /// </summary>
    public Func<ArmClient> ResourceManager { get; init; } = () => new ArmClient(new DefaultAzureCredential());

    /// <summary>True when a person watches a terminal: progress bars redraw in place; otherwise lines are printed.</summary>
    public bool IsInteractive => Console.Profile.Capabilities.Interactive;

    public static CliEnvironment FromProcess()
    {
        // A redirected stdout (CI, pipes, files) gets line-based progress that keeps logs readable.
        bool interactive = !System.Console.IsOutputRedirected &&
                           string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")) &&
                           Environment.GetEnvironmentVariable("TERM") != "dumb";
        return new CliEnvironment(System.Console.Out, System.Console.Error, interactive,
            Environment.GetEnvironmentVariable);
    }
}
