using System.Runtime.InteropServices;

namespace RestoreAgents.Cli;

/// <summary>
/// Turns Ctrl+C and SIGTERM into a cancellation, so a command stops cleanly and says what keeps running on the
/// agents; a second signal ends the process at once.
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;

    public TerminationSignals(CancellationTokenSource interrupt)
    {
        ArgumentNullException.ThrowIfNull(interrupt);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
        ];

        void Handle(PosixSignalContext context)
        {
            if (interrupt.IsCancellationRequested) return; // the second signal: let the default action end us
            context.Cancel = true;
            interrupt.Cancel();
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
    }
}
