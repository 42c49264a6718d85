using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace RestoreAgents.Security;

/// <summary>
/// A component's TLS material, read from its PEM files and read again when they change or on SIGHUP, so a renewed
/// certificate is presented from the next connection on without a restart. A reload that fails keeps the last good
/// material and logs why.
/// </summary>
public sealed class CertificateSource : IDisposable
{
    private readonly CertificateFiles _files;
    private readonly ILogger _logger;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly PosixSignalRegistration? _hangUp;
    private readonly Lock _gate = new();
    private TlsMaterial _current;

    /// <param name="watch">Reload on file changes and SIGHUP; off for one-shot tools.</param>
    /// <exception cref="CertificateLoadException">The files cannot be used now.</exception>
    public CertificateSource(CertificateFiles files, ILogger logger, bool watch = true)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(logger);
        _files = files;
        _logger = logger;
        _current = PemTlsFiles.Load(files);
        if (!watch) return;

        // Watch the folders, not the files: renewal tools replace files by renaming new ones over them.
        foreach (var folder in new[] { files.CertificateFile, files.KeyFile, files.TrustedCaFile }
                     .Select(f => Path.GetDirectoryName(Path.GetFullPath(f))!).Distinct())
        {
            var watcher = new FileSystemWatcher(folder) { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite };
            watcher.Changed += (_, e) => OnFileEvent(e.FullPath);
            watcher.Created += (_, e) => OnFileEvent(e.FullPath);
            watcher.Renamed += (_, e) => OnFileEvent(e.FullPath);
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
        if (!OperatingSystem.IsWindows())
            _hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true; // SIGHUP means "read your files again", not "stop"
                Reload("SIGHUP");
            });
    }

    /// <summary>The material in force: what the next connection presents and trusts.</summary>
    public TlsMaterial Current
    {
        get { lock (_gate) return _current; }
    }

    /// <summary>Raised after new material took effect.</summary>
    public event Action<TlsMaterial>? Reloaded;

    /// <summary>Reads the files again now; keeps the current material if they cannot be used.</summary>
    /// <returns>True when new material took effect.</returns>
    public bool Reload(string reason)
    {
        TlsMaterial loaded;
        try
        {
            loaded = PemTlsFiles.Load(_files);
        }
        catch (Exception e) when (e is CertificateLoadException or IOException or UnauthorizedAccessException)
        {
            // Half-written files during a renewal land here too; the next event reads them whole.
            _logger.LogError("TLS files not reloaded ({Reason}): {Problem}; still presenting {Certificate}",
                reason, e.Message, Current);
            return false;
        }
        lock (_gate)
        {
            if (_current.Certificate.Thumbprint == loaded.Certificate.Thumbprint
                && _current.TrustedRoots.Select(c => c.Thumbprint).SequenceEqual(loaded.TrustedRoots.Select(c => c.Thumbprint)))
                return false;
            _current = loaded;
        }
        _logger.LogInformation("TLS files reloaded ({Reason}): presenting {Certificate}, trusting {Roots} CA certificate(s) "
            + "from {CaFile}", reason, loaded, loaded.TrustedRoots.Count, _files.TrustedCaFile);
        Reloaded?.Invoke(loaded);
        return true;
    }

    private void OnFileEvent(string path)
    {
        var full = Path.GetFullPath(path);
        if (full == Path.GetFullPath(_files.CertificateFile) || full == Path.GetFullPath(_files.KeyFile)
            || full == Path.GetFullPath(_files.TrustedCaFile))
            Reload($"{full} changed");
    }

    public void Dispose()
    {
        _hangUp?.Dispose();
        foreach (var watcher in _watchers) watcher.Dispose();
    }
}
